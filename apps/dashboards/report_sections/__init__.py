"""The dashboard report's sections: each turns the filtered snapshot sums into its tables."""
