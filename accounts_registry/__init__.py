"""The club's social media accounts, their custodians and the moderation log."""
