"""Parental consents, direct-contact permissions and acceptable-use agreements."""
