package io.cxbridge.fulfillment.worker;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Looks a fulfillment URL's host up in DNS for the URL policy (blocking: called off the event loop). The system
 * resolver unless another bean replaces it (tests script lookups that fail, then resolve).
 */
public interface HostResolver {

    InetAddress[] resolve(String host) throws UnknownHostException;

    /** The JVM's resolver. */
    @ApplicationScoped
    @DefaultBean
    class System implements HostResolver {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            return InetAddress.getAllByName(host);
        }
    }
}
