package io.cxbridge.gateway.login;

/**
 * What Redis keeps for an issued access token (under the token's SHA-256, never the token itself): whose it is,
 * the SHA-256 of the key it was issued against (rotating that key out revokes it) and when it expires.
 */
record TokenRecord(String clientId, String keyHash, long expiresAtMillis) {}
