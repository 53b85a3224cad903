"""The contract suite: the behaviour every KeyValueStore must have."""
