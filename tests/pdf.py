"""Reading the text a generated PDF draws, to check its sections in tests."""

import base64
import re
import zlib


def pdf_text(body: bytes) -> str:
    """The text drawn in a PDF's content streams (reportlab's ASCII85 and Flate, or plain)."""
    chunks = []
    for head, stream in re.findall(rb"<<([^>]*)>>\s*stream\r?\n(.*?)\s*endstream", body, re.S):
        if b"/Image" in head:  # pixels, not text (and slow to search)
            continue
        if stream.rstrip().endswith(b"~>"):
            stream = base64.a85decode(stream.strip(), adobe=True)
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            chunks.append(stream)
    shown = re.findall(rb"\((.*?)\)\s*Tj", b"\n".join(chunks))
    return " ".join(part.decode("latin-1") for part in shown)
