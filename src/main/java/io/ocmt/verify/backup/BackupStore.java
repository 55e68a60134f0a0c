package io.ocmt.verify.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The directory an environment grants read access to, where the deployment's backups land. The
 * newest backup is the one last written (modification time), not the one with the latest name:
 * a name says when a job meant to run, the file's time says when something was written.
 */
public final class BackupStore {

    private BackupStore() {
    }

    /** Backups whose file names match {@code glob}, newest first; temporary and hidden files are never backups. */
    public static List<BackupFile> list(Path directory, String glob) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalStateException("The backup directory " + directory + " does not exist or is not a directory");
        }
        List<BackupFile> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, glob)) {
            for (Path p : entries) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                if (a.isRegularFile() && !p.getFileName().toString().startsWith(".")) {
                    files.add(new BackupFile(p, a.lastModifiedTime().toInstant(), a.size()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the backup directory " + directory + ": " + e.getMessage(), e);
        }
        files.sort(Comparator.comparing(BackupFile::modified).thenComparing(BackupFile::name).reversed());
        return files;
    }

    public static Optional<BackupFile> newest(Path directory, String glob) {
        return list(directory, glob).stream().findFirst();
    }
}
