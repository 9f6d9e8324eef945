# shellcheck shell=bash
# Step: two client netns, each with its own veth link to srv.
say "Create client namespaces cli1 and cli2, each joined to srv by a veth pair."
cli_add 1
cli_add 2
show ip -n cli1 -brief addr show
show ip -n cli2 -brief addr show
