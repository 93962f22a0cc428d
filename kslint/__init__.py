"""kslint: a linter and policy checker for stateful Kubernetes manifests."""

__version__ = "0.1.0"
