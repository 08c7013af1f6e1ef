## Knowledge base (issue 18 §4)
kb-service-unknown = No offering of the catalog has this id.
kb-sign-in = Sign in to read the knowledge base.
