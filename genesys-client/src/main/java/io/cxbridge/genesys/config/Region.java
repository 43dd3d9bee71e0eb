package io.cxbridge.genesys.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Genesys Cloud regions and their API hosts; the login host is the API host with {@code login.} for {@code api.}. */
public enum Region {
    US_EAST_1("api.mypurecloud.com"),
    EU_WEST_1("api.mypurecloud.ie"),
    AP_SOUTHEAST_2("api.mypurecloud.com.au"),
    AP_NORTHEAST_1("api.mypurecloud.jp"),
    EU_CENTRAL_1("api.mypurecloud.de"),
    US_WEST_2("api.usw2.pure.cloud"),
    CA_CENTRAL_1("api.cac1.pure.cloud"),
    AP_NORTHEAST_2("api.apne2.pure.cloud"),
    EU_WEST_2("api.euw2.pure.cloud"),
    AP_SOUTH_1("api.aps1.pure.cloud");

    private final String apiHost;

    Region(String apiHost) {
        this.apiHost = apiHost;
    }

    public String apiHost() {
        return apiHost;
    }

    public String loginHost() {
        return "login." + apiHost.substring("api.".length());
    }

    public String apiBaseUrl() {
        return "https://" + apiHost;
    }

    public String loginBaseUrl() {
        return "https://" + loginHost();
    }

    /** {@code eu_west_1}, {@code eu-west-1} or {@code EU_WEST_1}; a clear error naming the valid ones otherwise. */
    public static Region parse(String name) {
        String normalised = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(values())
                .filter(r -> r.name().equals(normalised))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown Genesys region '" + name + "'; one of "
                        + Arrays.stream(values())
                                .map(r -> r.name().toLowerCase(Locale.ROOT))
                                .collect(Collectors.joining(", "))));
    }
}
