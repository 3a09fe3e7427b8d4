"""Learning: outcomes, rewards, the strategy model, lessons, intents, metrics, the simulator."""
