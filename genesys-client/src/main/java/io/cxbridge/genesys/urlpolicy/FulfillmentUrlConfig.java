package io.cxbridge.genesys.urlpolicy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Where a fulfillment result may be posted (shared by the gateway, on intake, and fulfillment-svc, on use). */
@ConfigMapping(prefix = "cxbridge.fulfillment-url")
public interface FulfillmentUrlConfig {

    /** Hosts a fulfillment URL may name (https): the Genesys API hosts of every region by default. */
    @WithDefault("api.mypurecloud.com,api.mypurecloud.ie,api.mypurecloud.com.au,api.mypurecloud.jp,"
            + "api.mypurecloud.de,api.usw2.pure.cloud,api.cac1.pure.cloud,api.apne2.pure.cloud,api.euw2.pure.cloud,"
            + "api.aps1.pure.cloud")
    List<String> allowedHosts();

    /**
     * {@code host:port} pairs allowed over plain http and on private or loopback addresses (a local sandbox
     * such as genesys-sim). Empty in production.
     */
    Optional<List<String>> testHosts();

    /**
     * The one path a result may be posted to; {@code {fulfillmentId}} stands for exactly one segment obeying the
     * fulfillment id rules (1 to 256 of {@code A-Z a-z 0-9 . _ ~ -}, not {@code .} or {@code ..}).
     */
    @WithDefault("/api/v2/dataactions/fulfillments/{fulfillmentId}")
    String callbackPath();
}
