"""How good a trained model is, and whether a new one may replace the live one.

One implementation for `make bench` (benchmarks/) and `content retrain`: `nlu` scores a model
on labelled examples (held-out file, cross-validation), `conversations` plays whole
conversations against running bots (`servers`), `gate` judges a candidate against thresholds
and the live model, `training` trains the candidate (finetuned where Rasa allows it and it is
faster), `report` writes the HTML report, and `retrain` runs the whole thing.
"""
