"""Differential suite: the in-memory store against DynamoDB engines, call by call."""
