"""The PDFs' font: DejaVu, shipped with the portal, so every name prints as it is spelt."""

from pathlib import Path

FONTS = Path(__file__).resolve().parent / "fonts"
