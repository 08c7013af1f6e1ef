# orgs
