"""What the Rasa server loads from this project besides the NLU components: the chat channels
(credentials.yml) and the local conversation store (endpoints.yml)."""
