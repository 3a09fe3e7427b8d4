"""A channel's rules and final text: policy loading and formatting, for writers and checkers."""
