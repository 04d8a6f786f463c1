"""Your API tokens as a page: which clients hold one, when each was last used; revoke them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.accounts.tokens import revoke_all_tokens, revoke_user_token, tokens_of


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List the signed-in user's working tokens (never their secrets)."""
    return render(request, "accounts/api_tokens.html", {"tokens": list(tokens_of(request.user))})


@require_POST
@login_required
def revoke_api_token(request: HttpRequest, public_id) -> HttpResponse:
    """Revoke one of your tokens; someone else's answers 404."""
    if not revoke_user_token(user=request.user, public_id=public_id):
        raise Http404
    messages.success(request, "Token revoked: that client is signed out.")
    return redirect("api-tokens")


@require_POST
@login_required
def revoke_all_api_tokens(request: HttpRequest) -> HttpResponse:
    """Revoke every token you hold."""
    count = revoke_all_tokens(user=request.user)
    messages.success(request, f"{count} token{'s' if count != 1 else ''} revoked.")
    return redirect("api-tokens")
