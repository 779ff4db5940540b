"""Infrastructure as code, secret managers, encryption tools and private networking."""

from __future__ import annotations

from docsecrets.rules.catalogue import Token, token

RECORDS: tuple[Token, ...] = (
    # Infrastructure as code and secret managers
    token("vault-service-token", "HashiCorp Vault", "service token", "hvs.{b64url:90,120}",
          docs="https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes"),
    token("vault-batch-token", "HashiCorp Vault", "batch token", "hvb.{b64url:90,200}",
          docs="https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes"),
    token("vault-recovery-token", "HashiCorp Vault", "recovery token", "hvr.{b64url:90,120}",
          docs="https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes"),
    token("vault-legacy-token", "HashiCorp Vault", "service token (legacy)", "s.{alnum:24}", context=True,
          keywords=("vault",), docs="https://developer.hashicorp.com/vault/docs/concepts/tokens"),
    token("terraform-cloud-token", "HashiCorp Terraform Cloud", "API token", "{alnum:14}.atlasv1.{b64url:60,70}",
          keywords=(".atlasv1.",), docs="https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens"),
    token("pulumi-token", "Pulumi", "access token", "pul-{hex:40}",
          docs="https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/"),
    token("doppler-personal-token", "Doppler", "personal token", "dp.pt.{alnum:43}",
          docs="https://docs.doppler.com/docs/token-formats"),
    token("doppler-service-token", "Doppler", "service token", "dp.st.{b64url:2,40}.{alnum:43}",
          keywords=("dp.st.",), docs="https://docs.doppler.com/docs/token-formats"),
    token("doppler-service-account-token", "Doppler", "service account token", "dp.sa.{alnum:43}",
          docs="https://docs.doppler.com/docs/token-formats"),
    token("doppler-cli-token", "Doppler", "CLI token", "dp.ct.{alnum:43}",
          docs="https://docs.doppler.com/docs/token-formats"),
    token("doppler-scim-token", "Doppler", "SCIM token", "dp.scim.{alnum:43}",
          docs="https://docs.doppler.com/docs/token-formats"),
    token("doppler-audit-token", "Doppler", "audit token", "dp.audit.{alnum:43}",
          docs="https://docs.doppler.com/docs/token-formats"),
    token("onepassword-service-account", "1Password", "service account token", "ops_eyJ{b64url:100,900}",
          docs="https://developer.1password.com/docs/service-accounts/"),
    token("onepassword-secret-key", "1Password", "account Secret Key",
          "A3-{upper:6}-{upper:6}-{upper:5}-{upper:5}-{upper:5}-{upper:5}",
          docs="https://support.1password.com/secret-key-security/"),
    token("age-secret-key", "age", "secret key", "AGE-SECRET-KEY-1{[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]:58}",
          docs="https://github.com/FiloSottile/age#readme"),
    token("tailscale-auth-key", "Tailscale", "auth key", "tskey-auth-{alnum:10,20}-{alnum:20,40}",
          docs="https://tailscale.com/kb/1085/auth-keys"),
    token("tailscale-api-key", "Tailscale", "API access token", "tskey-api-{alnum:10,20}-{alnum:20,40}",
          docs="https://tailscale.com/kb/1101/api"),
    token("tailscale-oauth-client-secret", "Tailscale", "OAuth client secret",
          "tskey-client-{alnum:10,20}-{alnum:20,40}", docs="https://tailscale.com/kb/1215/oauth-clients"),
    token("ngrok-authtoken", "ngrok", "authtoken", "{alnum:27}_{alnum:21}", context=True,
          keywords=("ngrok",), docs="https://ngrok.com/docs/agent/#authtokens"),
)
