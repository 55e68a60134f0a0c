package io.ocmt.verify.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * An image built from a directory of this repository on the local Docker engine, never pulled.
 * The tag is a digest of the directory's content, so two checkouts with different Dockerfiles
 * sharing one engine (branches, parallel runs) never start each other's image, and an unchanged
 * directory finds its image (and Docker's layer cache) again.
 */
public final class LocalImage {

    private LocalImage() {
    }

    /** Builds {@code <repository>:<content digest>} from {@code context}; the future yields the image name. */
    public static CompletableFuture<String> build(String repository, Path context, Map<String, String> buildArgs) {
        if (!Files.isRegularFile(context.resolve("Dockerfile"))) {
            throw new IllegalStateException("No Dockerfile in " + context + ": run from the project directory.");
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                String tag = repository + ":" + digest(context, buildArgs);
                // The context is given file by file, not with withDockerfile(): Testcontainers would
                // then try to pull every FROM it reads, multi-stage names included, from a registry.
                ImageFromDockerfile image = new ImageFromDockerfile(tag, false);
                try (var entries = Files.list(context)) {
                    // Build output never belongs in the context; it would only slow every build.
                    entries.filter(p -> !excluded(p)).forEach(p -> image.withFileFromPath(p.getFileName().toString(), p));
                }
                buildArgs.forEach(image::withBuildArg);
                return image.get();
            } catch (Exception e) {
                throw new IllegalStateException("Building the image " + repository + " from " + context + " failed: " + e.getMessage(), e);
            }
        });
    }

    private static boolean excluded(Path p) {
        return p.getFileName().toString().equals("target");
    }

    /** The first 12 hex digits of a SHA-256 over every file's relative path and bytes, and the build arguments. */
    static String digest(Path context, Map<String, String> buildArgs) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<Path> files;
            try (var walk = Files.walk(context)) {
                files = walk.filter(Files::isRegularFile)
                        .filter(p -> !excluded(context.relativize(p).getName(0)))
                        .sorted().toList();
            }
            for (Path f : files) {
                sha.update(context.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Files.readAllBytes(f));
                sha.update((byte) 0);
            }
            buildArgs.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                    sha.update((e.getKey() + "=" + e.getValue() + "\0").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }
}
