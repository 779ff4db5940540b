"""Helpers every family shares: cell addresses, text decoding, safe XML, failure reasons, partial damage."""
