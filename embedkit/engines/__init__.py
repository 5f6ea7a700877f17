"""Skip-gram engines: each trains the same model behind `embedkit.train.train_skipgram`.

An engine is a function `train(prepared, config, monitor) -> (input_vectors, output_vectors)`
that reads the tokenised corpus file `prepared.path`, uses the vocabulary `prepared.vocab`
(rows in that order), reports progress and epoch ends to `monitor`, and returns two float32
(len(vocab), vector_size) matrices.
"""
