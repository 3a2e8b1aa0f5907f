/**
 * What the link notice says about each setting a share link may set. Apart from config.ts (which the
 * first view loads) so that these texts load with the notice only.
 */
import type { LinkSetting } from '../model/types'

/** Human names of the link settings. */
export const LINK_SETTING_LABELS: Record<LinkSetting['field'], string> = {
  authorization_endpoint: 'the authorization endpoint',
  token_endpoint: 'the token endpoint',
  jwks_uri: 'the JWKS URI',
  redirect_uri: 'the redirect URI',
  resource: 'the resource',
}

/** What goes to each, in one phrase. */
export const LINK_CARRIES: Record<LinkSetting['field'], string> = {
  authorization_endpoint: 'Your browser goes there to log in (a look-alike page could ask for your password)',
  token_endpoint: 'The authorization code, the code_verifier and any client secret are sent there',
  jwks_uri: 'The keys from there decide whether the tokens verify',
  redirect_uri: 'The authorization server sends the authorization code there',
  resource: 'A parameter of the requests; the access token is sent there only if you call it and confirm',
}
