"""A small shop: customers, products with stock, and orders, on any KeyValueStore."""
