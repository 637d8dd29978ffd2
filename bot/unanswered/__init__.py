"""What the assistant could not answer: misses kept with personal data scrubbed out, grouped
for the content team, and turned into training examples (docs/content.md)."""
