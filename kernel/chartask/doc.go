// Package chartask generates the character-level memory tasks on which the
// plastic networks (models/ethereal, models/hebbian) are compared: key recall,
// n-resequence, palindromes, and windows of a user's text. Every generator
// draws from an explicit kernel/rng source, so a seed gives the same
// sequences on every target.
//
// Key recall (after the public repository jaded0/memory_encoding,
// synth_datasets.py): 1–5 zeros, '?', a key from "123,. ", 1–2 zeros, '!',
// the key again, for example "000?,00!,". The charset is "0?!123,. ". The
// model predicts every character from the ones before it; the recalled key
// is the last character.
//
// Entropy floors (KeyRecallFloors): the per-character cross-entropy in nats,
// averaged over the characters of a sequence and then over sequences (the
// trainer's metric), of the Bayes predictor that knows the task's exact
// conditional probabilities given
//   - the current and previous character only (a model with no memory beyond
//     the "last_two" input): 0.998;
//   - the whole history: 0.570.
//
// Both are computed by enumerating the task's 60 equally likely sequences.
//
// n-resequence (synth_datasets.py generate_resequence_sample): choose
// k ∈ {1..n}, k distinct characters of the charset, and repeat them in turn
// for a given length. Palindromes: a left half of random characters, a
// random middle character and the mirrored half.
package chartask
