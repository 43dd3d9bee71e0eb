package io.cxbridge.gateway.login;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The login host's answer to a client-credentials grant. */
record TokenResponse(
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("token_type") String tokenType,
        @JsonProperty("expires_in") long expiresIn) {

    @Override
    public String toString() {
        return "TokenResponse[tokenType=" + tokenType + ", expiresIn=" + expiresIn + "]"; // never the token
    }
}
