package com.example.gateway.localdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a PostgreSQL cluster from the binaries installed on this machine (Debian puts them under
 * {@code /usr/lib/postgresql/<version>/bin}). {@code initdb} and {@code postgres} refuse to run as root, so when the JVM
 * is root they run as the unprivileged {@code postgres} OS user through {@code runuser}.
 */
public final class LocalPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
    private static final String SUPERUSER = "gateway";
    private static final String OS_USER = "postgres";

    private final Path binDir;
    private final Path dataDir;
    private final int port;
    private final boolean ephemeral;
    private final boolean asRoot;

    private LocalPostgres(Path binDir, Path dataDir, int port, boolean ephemeral) {
        this.binDir = binDir;
        this.dataDir = dataDir;
        this.port = port;
        this.ephemeral = ephemeral;
        this.asRoot = "root".equals(System.getProperty("user.name"));
    }

    /**
     * Starts (creating it on first use) a cluster whose data stays in {@code dataDir} across runs.
     */
    public static LocalPostgres startPersistent(Path dataDir) {
        return start(dataDir.toAbsolutePath(), false);
    }

    /**
     * Starts a fresh cluster in a temporary directory tuned for speed (no fsync); it is deleted when closed or when the JVM
     * exits.
     */
    public static LocalPostgres startEphemeral() {
        try {
            Path root = Files.createTempDirectory("gateway-pg-");
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            return start(root.resolve("data"), true);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static LocalPostgres start(Path dataDir, boolean ephemeral) {
        LocalPostgres pg = new LocalPostgres(findBinDir(), dataDir, freePort(), ephemeral);
        pg.initIfNeeded();
        pg.startServer();
        Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "local-postgres-stop"));
        return pg;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String username() {
        return SUPERUSER;
    }

    public String password() {
        return "";
    }

    public int port() {
        return port;
    }

    /** Stops the server; an ephemeral cluster is also deleted. Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (!Files.exists(dataDir.resolve("postmaster.pid"))) {
            return;
        }
        run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop"));
        if (ephemeral) {
            deleteRecursively(dataDir.getParent());
        }
    }

    /** Stops the server abruptly, as a crash or a lost database would, keeping the data for {@link #restart()}. */
    public void kill() {
        run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop"));
    }

    public void restart() {
        startServer(!ephemeral);
    }

    /**
     * Starts the server again with PostgreSQL's default durability (fsync and full-page writes on) even for an
     * ephemeral cluster, for tests that crash it and must show what a real crash keeps; {@link #restart()} goes back to
     * the fast settings.
     */
    public void restartDurable() {
        startServer(true);
    }

    private void initIfNeeded() {
        if (Files.exists(dataDir.resolve("PG_VERSION"))) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            if (asRoot) {
                UserPrincipalLookupService users = dataDir.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(dataDir, users.lookupPrincipalByName(OS_USER));
            }
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot prepare PostgreSQL data directory " + dataDir, ex);
        }
        run(List.of(binDir.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", SUPERUSER, "--auth=trust",
                "-E", "UTF8", "--locale=C", "--no-sync"));
    }

    private void startServer() {
        startServer(!ephemeral);
    }

    private void startServer(boolean durable) {
        List<String> options = new ArrayList<>(List.of("-p", String.valueOf(port), "-k", dataDir.toString(),
                "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300"));
        if (!durable) {
            options.addAll(List.of("-c", "fsync=off", "-c", "full_page_writes=off"));
        }
        log.info("Starting local PostgreSQL from {} on 127.0.0.1:{} (data in {})", binDir, port, dataDir);
        run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l",
                dataDir.resolve("server.log").toString(), "-o", String.join(" ", options), "-w", "-t", "60", "start"));
    }

    private void run(List<String> command) {
        List<String> full = new ArrayList<>();
        if (asRoot) {
            full.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        full.addAll(command);
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("Local PostgreSQL command failed: " + String.join(" ", full) + "\n" + output);
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot run " + command.getFirst(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static Path findBinDir() {
        String configured = System.getenv("PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                return versions.map(v -> v.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                    .max(Comparator.comparingInt(LocalPostgres::majorVersion))
                    .orElseThrow(LocalPostgres::noBinaries);
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        throw noBinaries();
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        }
        catch (NumberFormatException ex) {
            return 0;
        }
    }

    private static IllegalStateException noBinaries() {
        return new IllegalStateException("No PostgreSQL binaries found under /usr/lib/postgresql: install PostgreSQL "
                + "(apt-get install postgresql), set PG_BIN, or set SPRING_DATASOURCE_URL");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void deleteRecursively(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (IOException ex) {
            log.warn("Could not delete {}: {}", root, ex.getMessage());
        }
    }
}
