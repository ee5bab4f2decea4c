"""Text analysis: tokenizing, sentences, lemmas, phrase matching, language detection and
the per-language word lists. Knows nothing of rules, inputs or doors."""
