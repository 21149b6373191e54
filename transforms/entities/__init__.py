"""Entities: the NER's spans typed (`types`), the actors of a document linked (`linking`, the
`newsfacts_linker` component), and the same actor across documents resolved (`resolve`).
`names` holds the place and nationality knowledge they share."""
