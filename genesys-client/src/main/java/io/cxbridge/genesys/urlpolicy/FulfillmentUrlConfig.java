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
}
