package io.cxbridge.sim.faults;

import io.cxbridge.model.event.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/** Registered faults, in the order they were added: the first matching active one that fires wins. */
@ApplicationScoped
public class FaultRegistry {

    private static final Logger LOG = Logger.getLogger(FaultRegistry.class);

    private final List<Fault> faults = new CopyOnWriteArrayList<>();

    public Fault add(FaultSpec spec) {
        Fault fault = new Fault(Ids.newEventId(), spec);
        faults.add(fault);
        LOG.infof(
                "fault %s added: method=%s path=%s status=%s count=%s probability=%s latencyMs=%s drop=%s "
                        + "listing=%s",
                fault.id(),
                spec.method(),
                spec.path(),
                spec.status(),
                spec.count(),
                spec.probability(),
                spec.latencyMs(),
                spec.drop(),
                spec.listing());
        return fault;
    }

    /**
     * The fault for a request, or null. A fault is considered while it matches the method and path and has hits
     * left; one whose probability roll fails lets the next one be considered.
     */
    public Fault pick(String method, String path) {
        if (faults.isEmpty()) {
            return null;
        }
        for (Fault fault : faults) {
            if (fault.matches(method, path) && fault.active() && fault.tryHit()) {
                return fault;
            }
        }
        return null;
    }

    public List<Fault.View> list() {
        return faults.stream().map(Fault::view).toList();
    }

    public boolean remove(String id) {
        return faults.removeIf(f -> f.id().equals(id));
    }

    public void clear() {
        if (!faults.isEmpty()) {
            LOG.infof("%d fault(s) removed", faults.size());
        }
        faults.clear();
    }
}
