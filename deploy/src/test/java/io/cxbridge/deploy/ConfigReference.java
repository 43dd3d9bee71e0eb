package io.cxbridge.deploy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappingInterface;
import io.smallrye.config.ConfigMappings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration reference ({@code docs/reference/configuration.md}) and what it is checked against: every
 * property of every {@code @ConfigMapping} interface of every module, read the way SmallRye Config reads them
 * (names, defaults), with the description taken from the property method's Javadoc.
 */
final class ConfigReference {

    static final Path DOC = Repo.path("docs/reference/configuration.md");
    static final String BEGIN = "<!-- BEGIN GENERATED: cxbridge properties -->";
    static final String END = "<!-- END GENERATED -->";
    /** The modules whose classes carry configuration, in the order the reference lists them. */
    static final List<String> MODULES = List.of(
            "genesys-client",
            "service-common",
            "gateway-svc",
            "retry-svc",
            "fulfillment-svc",
            "retention-svc",
            "directory-svc",
            "genesys-sim");
    /** A property name in the first column of a reference table: {@code | `cxbridge.x.y` |}. */
    private static final Pattern TABLE_NAME = Pattern.compile("(?m)^\\| `([a-z0-9.<>*\\-\\[\\]]+)` \\|");

    record Property(String module, String name, String defaultValue, String description) {

        /**
         * The environment variable Quarkus maps to this property: a map key ({@code <name>}) or list index
         * ({@code [i]}) shown as the placeholder {@code <NAME>} or {@code <I>}; every other part of the name, a
         * {@code name} segment included, maps as Quarkus maps it.
         */
        String envName() {
            StringBuilder env = new StringBuilder();
            Matcher placeholder = PLACEHOLDER.matcher(name);
            int plain = 0;
            while (placeholder.find()) {
                env.append(envForm(name.substring(plain, placeholder.start())))
                        .append(placeholder.group().equals("<name>") ? "<NAME>" : "_<I>_");
                plain = placeholder.end();
            }
            return env.append(envForm(name.substring(plain))).toString();
        }

        private static String envForm(String part) {
            return part.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
        }
    }

    /** A map key or a list index in a documented property name. */
    private static final Pattern PLACEHOLDER = Pattern.compile("<name>|\\[i]");

    /** Every property of every @ConfigMapping interface, by its documented name ({@code *} map keys as {@code <name>}). */
    static Map<String, Property> fromMappings() {
        Map<String, Property> all = new TreeMap<>();
        for (String module : MODULES) {
            for (Class<?> mapping : mappings(module)) {
                String prefix = mapping.getAnnotation(ConfigMapping.class).prefix();
                Map<String, String> javadoc = javadoc(module, mapping);
                ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(mapping, prefix))
                        .forEach((name, p) -> {
                            if (name.contains("[*]")) {
                                return; // a list's indexed form; the list itself is documented (comma-separated)
                            }
                            String documented = name.replace(".*", ".<name>").replace("[*]", "[i]");
                            String method = p.getMethod() == null
                                    ? ""
                                    : p.getMethod().getDeclaringClass().getSimpleName() + "#"
                                            + p.getMethod().getName();
                            all.put(
                                    documented,
                                    new Property(module, documented, defaultOf(p), javadoc.getOrDefault(method, "")));
                        });
            }
        }
        return all;
    }

    /** The property names the reference document's tables list. */
    static Set<String> documentedNames(String markdown) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = TABLE_NAME.matcher(markdown);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** What is wrong between the mappings and the document, one line per property. */
    static List<String> differences(Set<String> fromMappings, Set<String> documented) {
        List<String> out = new ArrayList<>();
        fromMappings.stream()
                .filter(n -> n.startsWith("cxbridge.") && !documented.contains(n))
                .forEach(n -> out.add(n + " is a @ConfigMapping property missing from the reference"));
        documented.stream()
                .filter(n -> n.startsWith("cxbridge.") && !fromMappings.contains(n))
                .forEach(n -> out.add(n + " is in the reference but no @ConfigMapping has it"));
        return out;
    }

    /** Name to description of every row of the document's tables. */
    static Map<String, String> documentedDescriptions(String markdown) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `([^`]+)` \\|[^\\n]*?\\| `[^`]*` \\| ?(.*?) ?\\|$")
                .matcher(markdown);
        while (m.find()) {
            out.put(m.group(1), m.group(2).trim());
        }
        return out;
    }

    /**
     * The generated part of the reference: one table per module. A property's description is its method's
     * Javadoc, else what the document said before (so a hand-written description survives regeneration).
     */
    static String render(Map<String, Property> properties, Map<String, String> before) {
        StringBuilder md = new StringBuilder(BEGIN).append("\n");
        for (String module : MODULES) {
            List<Property> own = properties.values().stream()
                    .filter(p -> p.module().equals(module))
                    .toList();
            if (own.isEmpty()) {
                continue;
            }
            md.append("\n### ")
                    .append(module)
                    .append("\n\n| property | default | environment variable | what it does |\n|---|---|---|---|\n");
            for (Property p : own) {
                md.append("| `")
                        .append(p.name())
                        .append("` | ")
                        .append(
                                p.defaultValue() == null
                                        ? ""
                                        : "`" + p.defaultValue().replace("|", "\\|") + "`")
                        .append(" | `")
                        .append(p.envName())
                        .append("` | ")
                        .append(
                                (p.description().isBlank()
                                        ? before.getOrDefault(p.name(), "")
                                        : p.description().replace("|", "\\|")))
                        .append(" |\n");
            }
        }
        return md.append("\n").append(END).toString();
    }

    /** The document with its generated part replaced. */
    static String withGenerated(String doc, String generated) {
        int a = doc.indexOf(BEGIN);
        int b = doc.indexOf(END);
        if (a < 0 || b < a) {
            throw new IllegalStateException(DOC + " has no " + BEGIN + " ... " + END + " block");
        }
        return doc.substring(0, a) + generated + doc.substring(b + END.length());
    }

    private static String defaultOf(ConfigMappingInterface.Property p) {
        ConfigMappingInterface.Property leaf = p;
        if (leaf.isOptional()) {
            leaf = leaf.asOptional().getNestedProperty();
        }
        if (leaf.isCollection()) {
            leaf = leaf.asCollection().getElement();
        }
        return leaf.hasDefaultValue() ? leaf.getDefaultValue() : null;
    }

    /** The module's @ConfigMapping interfaces, from its compiled classes. */
    private static List<Class<?>> mappings(String module) {
        Path classes = Repo.path(module + "/target/classes");
        if (!Files.isDirectory(classes)) {
            throw new IllegalStateException(classes + " is missing: build the module first");
        }
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f :
                    files.filter(x -> x.toString().endsWith(".class")).sorted().toList()) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                if (!bytes.contains("Lio/smallrye/config/ConfigMapping;")) {
                    continue;
                }
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c = Class.forName(name, false, ConfigReference.class.getClassLoader());
                if (c.isAnnotationPresent(ConfigMapping.class)) {
                    out.add(c);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /**
     * {@code Interface#method} to its Javadoc, for every method declared in the interface's source file, keyed by the
     * interface (nested or not) that declares it: two groups may both have a {@code policiesPath()}.
     */
    static Map<String, String> javadoc(String module, Class<?> mapping) {
        Class<?> outer = mapping;
        while (outer.getEnclosingClass() != null) {
            outer = outer.getEnclosingClass();
        }
        Path source = Repo.path(module + "/src/main/java/" + outer.getName().replace('.', '/') + ".java");
        if (!Files.exists(source)) {
            return new LinkedHashMap<>();
        }
        return javadocOf(Repo.read(source));
    }

    /** {@link #javadoc} of one source file's text. */
    static Map<String, String> javadocOf(String java) {
        String code = withoutCommentsAndStrings(java);
        Map<String, String> docs = new LinkedHashMap<>();
        Matcher m = Pattern.compile(
                        "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*((?:@[\\w.]+(?:\\([^)]*\\))?\\s*)*)[\\w<>?,\\[\\]. ]+?\\s(\\w+)\\(\\)\\s*;",
                        Pattern.DOTALL)
                .matcher(java);
        while (m.find()) {
            docs.putIfAbsent(typeAt(code, m.start(3)) + "#" + m.group(3), markdownOf(m.group(1)));
        }
        return docs;
    }

    /** {@code {@code x}} (one level of braces inside allowed): a code span, whose text is kept as it is. */
    private static final Pattern CODE = Pattern.compile("\\{@(?:code|literal) ((?:[^{}]|\\{[^{}]*})*)}");
    /** {@code {@link #x()}}: the code span {@code x}. */
    private static final Pattern LINK_TO_METHOD = Pattern.compile("\\{@link(?:plain)?\\s+#(\\w+)(?:\\([^)]*\\))?\\s*}");
    /** {@code {@link Target label}}: the label; {@code {@link Target}}: the target. */
    private static final Pattern LINK = Pattern.compile("\\{@link(?:plain)?\\s+([^\\s}]+)(?:\\s+([^}]*?))?\\s*}");
    /** The HTML tags Javadoc is written with that break a line; anything else in angle brackets is text. */
    private static final Pattern BLOCK_TAG = Pattern.compile(
            "</?(?:p|ul|ol|li|dl|dt|dd|br|hr|pre|div|blockquote|table|thead|tbody|tr|th|td|h[1-6])(?:\\s[^>]*)?/?>",
            Pattern.CASE_INSENSITIVE);
    /** The HTML tags Javadoc is written with inside a line ({@code <code>} apart: a code span). */
    private static final Pattern INLINE_TAG =
            Pattern.compile("</?(?:em|strong|b|i|u|tt|a|span|sup|sub)(?:\\s[^>]*)?>", Pattern.CASE_INSENSITIVE);

    private static final Pattern CODE_TAG = Pattern.compile("</?code>", Pattern.CASE_INSENSITIVE);

    /**
     * One Javadoc comment's text (the part between its delimiters) as one line of Markdown: {@code {@code x}} as a
     * code span (its text as written, placeholders such as {@code <login-path>} included), {@code {@link #x()}} as
     * the code span {@code x}, {@code <code>} as a code span too, other HTML tags dropped outside code spans (HTML
     * entities read), whitespace collapsed.
     */
    private static String markdownOf(String javadoc) {
        String text = javadoc.replaceAll("(?m)^\\s*\\*", " ");
        StringBuilder md = new StringBuilder();
        Matcher code = CODE.matcher(text);
        int prose = 0;
        while (code.find()) {
            md.append(proseOf(text.substring(prose, code.start())))
                    .append('`')
                    .append(code.group(1))
                    .append('`');
            prose = code.end();
        }
        md.append(proseOf(text.substring(prose)));
        return md.toString().replaceAll("\\s+", " ").trim();
    }

    /** Text outside {@code {@code}} spans: links resolved, HTML tags dropped (one that breaks a line leaves a space). */
    private static String proseOf(String text) {
        String linked = LINK_TO_METHOD.matcher(text).replaceAll("`$1`");
        linked = LINK.matcher(linked)
                .replaceAll(l -> Matcher.quoteReplacement(l.group(2) == null ? l.group(1) : l.group(2)));
        linked = BLOCK_TAG.matcher(linked).replaceAll(" ");
        linked = INLINE_TAG.matcher(linked).replaceAll("");
        return CODE_TAG.matcher(linked)
                .replaceAll("`")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    private static final Pattern TYPE_DECLARATION =
            Pattern.compile("\\b(?:interface|class|record|enum)\\s+(\\w+)[^{;]*\\{");

    /** The simple name of the innermost type whose body holds {@code position} of {@code code}. */
    private static String typeAt(String code, int position) {
        Deque<String> open = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        Matcher type = TYPE_DECLARATION.matcher(code);
        int nextType = type.find() ? type.end() - 1 : -1;
        int depth = 0;
        for (int i = 0; i < position; i++) {
            char c = code.charAt(i);
            if (c == '{') {
                if (i == nextType) {
                    open.push(type.group(1));
                    depths.push(depth);
                    nextType = type.find() ? type.end() - 1 : -1;
                }
                depth++;
            } else if (c == '}') {
                depth--;
                if (!depths.isEmpty() && depths.peek() == depth) {
                    depths.pop();
                    open.pop();
                }
            }
        }
        return open.isEmpty() ? "" : open.peek();
    }

    /** The source with comments and string and character literals blanked (same length): their braces are not code. */
    static String withoutCommentsAndStrings(String java) {
        StringBuilder out = new StringBuilder(java);
        int i = 0;
        while (i < java.length()) {
            char c = java.charAt(i);
            int end;
            if (java.startsWith("//", i)) {
                end = java.indexOf('\n', i);
                end = end < 0 ? java.length() : end;
            } else if (java.startsWith("/*", i)) {
                end = java.indexOf("*/", i + 2);
                end = end < 0 ? java.length() : end + 2;
            } else if (c == '"' || c == '\'') {
                end = i + 1;
                while (end < java.length() && java.charAt(end) != c) {
                    end += java.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(java.length(), end + 1);
            } else {
                i++;
                continue;
            }
            for (int k = i; k < end; k++) {
                if (out.charAt(k) != '\n') {
                    out.setCharAt(k, ' ');
                }
            }
            i = end;
        }
        return out.toString();
    }

    private ConfigReference() {}
}
