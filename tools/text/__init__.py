"""Text primitives the trust checks, the reply rules and the drafters share: folding, counting."""
