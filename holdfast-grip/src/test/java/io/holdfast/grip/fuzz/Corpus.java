package io.holdfast.grip.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The committed seed inputs of one fuzz target: every file under {@code src/test/resources/fuzz/<target>/},
 * in name order. Real inputs (what origins, publishers and Pushpin tools send) seed the mutations, so
 * the fuzzer starts from the shapes that reach the parser in production rather than from noise.
 */
public final class Corpus {

    private Corpus() {
    }

    /** The seed files' bytes; fails if the directory is missing or empty. */
    public static List<byte[]> bytes(String target) {
        URL url = Corpus.class.getClassLoader().getResource("fuzz/" + target);
        if (url == null) {
            throw new IllegalStateException("no corpus directory fuzz/" + target + " on the test class path");
        }
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                out.add(Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("corpus fuzz/" + target + " is empty");
        }
        return List.copyOf(out);
    }

    /** The seed files as UTF-8 text. */
    public static List<String> texts(String target) {
        return bytes(target).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }
}
