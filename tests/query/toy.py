"""Hand-made vectors with known answers for the query tests."""

# Hand-made 4-d vectors: axis 0 royalty, axis 1 gender (+ male, - female), axis 2 fruit,
# axis 3 "person". king - man + woman is exactly queen; 'zero' is a zero vector.
TOY = {
    "king": [1, 1, 0, 0],
    "queen": [1, -1, 0, 0],
    "man": [0, 1, 0, 1],
    "woman": [0, -1, 0, 1],
    "prince": [1, 0.8, 0.1, 0.2],
    "apple": [0, 0, 1.4, 0],
    "pear": [0, 0, 1.3, 0.1],
    "zero": [0, 0, 0, 0],
}
