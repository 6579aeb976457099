"""The shipped default model: ``model.joblib`` + ``model_card.json`` (see ``MODEL_CARD.md``)."""
