package io.cxbridge.testkit;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One Kafka broker, one redis-server and one genesys-sim per test JVM, across test profiles.
 *
 * <p>Quarkus loads testkit again for each test profile (each profile's application has a class loader of its own),
 * so a static field alone holds one instance per profile: retry-svc's three profiles ran three brokers side by side,
 * and a fourth profile made the broker halt the JVM in its start-up. The shared instances therefore live in the copy
 * of testkit that the system class loader holds (surefire's class path, never closed while the JVM runs); a copy
 * loaded by another class loader forwards its calls to that one by reflection, and only JDK types cross between
 * them. Where testkit is not on the system class path, each copy keeps its own instance, as before.
 */
public final class JvmWide {

    private JvmWide() {}

    /**
     * A second copy of testkit (with the Jackson its sim control uses, without Kafka) in a class loader that does not
     * ask the system class loader first, as Quarkus loads it for another test profile: for the tests that check a
     * copy forwards to this JVM's instances.
     */
    public static URLClassLoader secondCopy() {
        URL[] classPath = Stream.of(
                        JvmWide.class, JsonProcessingException.class, ObjectMapper.class, JsonProperty.class)
                .map(c -> c.getProtectionDomain().getCodeSource().getLocation())
                .toArray(URL[]::new);
        return new URLClassLoader(classPath, ClassLoader.getPlatformClassLoader());
    }

    /**
     * The system class loader's copy of {@code type}, or null when {@code type} is that copy or the system class
     * loader cannot load it.
     */
    public static Class<?> home(Class<?> type) {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (type.getClassLoader() == system) {
            return null;
        }
        try {
            return Class.forName(type.getName(), true, system);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** The home copy's {@code shared()} instance. */
    public static Object shared(Class<?> home) {
        try {
            return invoke(() -> home.getMethod("shared").invoke(null));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "cannot reach " + home.getName() + ".shared() of the system class loader", e);
        }
    }

    /** Calls the public method {@code name} without arguments on an instance of the home copy. */
    public static Object call(Object target, String name) {
        try {
            return invoke(() -> target.getClass().getMethod(name).invoke(target));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call " + target.getClass().getName() + "." + name + "()", e);
        }
    }

    /**
     * Runs {@code action} with {@code type}'s class loader as the thread's context class loader. Kafka loads the
     * classes named in its configuration through the context class loader, and the threads a broker starts inherit
     * it: a broker of the system class loader's copy must not see a test profile's class loader there.
     */
    public static <T> T withContextLoaderOf(Class<?> type, Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(type.getClassLoader());
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private interface Reflective {
        Object run() throws ReflectiveOperationException;
    }

    /** Unwraps what the home copy threw, so a test sees the same exception either way. */
    private static Object invoke(Reflective call) throws ReflectiveOperationException {
        try {
            return call.run();
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
