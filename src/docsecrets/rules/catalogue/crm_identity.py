"""CRM, sales and support suites, and identity providers."""

from __future__ import annotations

from docsecrets.rules.catalogue import Token, token

_UUID = "{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}"

RECORDS: tuple[Token, ...] = (
    # CRM, support, sales
    token("hubspot-private-app-token", "HubSpot", "private app access token", "pat-{[a-z]:2}1-" + _UUID,
          keywords=("pat-",), docs="https://developers.hubspot.com/docs/api/private-apps"),
    token("hubspot-api-key-legacy", "HubSpot", "API key (legacy)", _UUID, context=True,
          keywords=("hubspot", "hapikey"), docs="https://developers.hubspot.com/docs/api/migrate-an-api-key-integration-to-a-private-app"),
    token("salesforce-access-token", "Salesforce", "access token (session id)", "00D{alnum:12,15}!{[A-Za-z0-9._]:96}",
          keywords=("00d",), docs="https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flows.htm"),
    token("pipedrive-api-token", "Pipedrive", "API token", "{hex:40}", context=True,
          keywords=("pipedrive",), docs="https://pipedrive.readme.io/docs/how-to-find-the-api-token"),
    token("zoho-access-token", "Zoho", "OAuth token", "1000.{hex:32}.{hex:32}",
          docs="https://www.zoho.com/accounts/protocol/oauth.html"),
    token("freshworks-api-key", "Freshworks CRM", "API key", "{b64url:22}", context=True,
          keywords=("freshsales", "freshworks"), docs="https://developers.freshworks.com/crm/api/#authentication"),
    token("dropbox-sign-api-key", "Dropbox Sign (HelloSign)", "API key", "{hex:64}", context=True,
          keywords=("hellosign", "dropbox sign"), docs="https://developers.hellosign.com/api/reference/authentication/"),
    token("pandadoc-api-key", "PandaDoc", "API key", "{hex:40}", context=True,
          keywords=("pandadoc",), docs="https://developers.pandadoc.com/reference/api-key-authentication-process"),
    token("eventbrite-token", "Eventbrite", "private token", "{upper:20}", context=True,
          keywords=("eventbrite",), docs="https://www.eventbrite.com/platform/api#/introduction/authentication"),
    # Identity and access
    token("okta-api-token", "Okta", "API token", "00{b64url:40}", context=True,
          keywords=("okta", "ssws"), docs="https://developer.okta.com/docs/guides/create-an-api-token/main/"),
    token("auth0-client-secret", "Auth0", "client secret", "{b64url:64}", context=True,
          keywords=("auth0",), docs="https://auth0.com/docs/get-started/applications/application-settings"),
    token("stytch-secret", "Stytch", "live project secret", "secret-live-{b64url:36}",
          docs="https://stytch.com/docs/guides/dashboard/api-keys"),
    token("jumpcloud-api-key", "JumpCloud", "API key", "jca_{alnum:36,40}",
          docs="https://docs.jumpcloud.com/api/authentication-and-authorization/authentication"),
    token("duo-secret-key", "Cisco Duo", "secret key", "{alnum:40}", context=True,
          keywords=("duo_skey", "duosecurity", "duo_secret", "duo security"),
          docs="https://duo.com/docs/adminapi#first-steps"),
    token("onelogin-client-secret", "OneLogin", "API client secret", "{hex:64}", context=True,
          keywords=("onelogin",), docs="https://developers.onelogin.com/api-docs/2/getting-started/working-with-api-credentials"),
    token("keycloak-client-secret", "Keycloak", "client secret", "{alnum:32}", context=True,
          keywords=("keycloak",), docs="https://www.keycloak.org/docs/latest/server_admin/#_client-credentials"),
    token("bitwarden-access-token", "Bitwarden Secrets Manager", "access token",
          "0." + _UUID + ".{alnum:30}:{b64:22}==", context=True, keywords=("bws_access_token", "bitwarden"),
          docs="https://bitwarden.com/help/access-tokens/"),
    token("adobe-client-secret", "Adobe Developer", "client secret", "p8e-{b64url:32}",
          docs="https://developer.adobe.com/developer-console/docs/guides/authentication/"),
)
