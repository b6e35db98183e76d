package org.cryosiam.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.cryosiam.CryosiamUserException;

/**
 * Float32 values parked on disk while a volume is streamed, for a step that needs the whole of it before it can
 * write (e.g. scaling by the volume's minimum and maximum). The file has a hidden temporary name next to
 * {@code near}'s, so a killed run's scratch is cleaned up like its other temporary files; {@link #close} deletes it.
 */
public final class ScratchFile implements AutoCloseable {
    private final Path file;
    private final FileChannel ch;
    private long size;

    public ScratchFile(Path near) {
        this.file = AtomicFile.temporary(near.resolveSibling(near.getFileName() + ".scratch"));
        try {
            this.ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /** Appends {@code values[0, length)}. */
    public void append(float[] values, int length) {
        try {
            for (int off = 0; off < length; off += CHUNK) {
                int len = Math.min(CHUNK, length - off);
                ByteBuffer b = ByteBuffer.allocate(4 * len).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(values, off, len);
                long at = 4 * (size + off);
                while (b.hasRemaining()) {
                    at += ch.write(b, at);
                }
            }
        } catch (IOException e) {
            throw failed(e);
        }
        size += length;
    }

    /** Reads {@code dst.length} values from value {@code offset} on. */
    public void read(long offset, float[] dst) {
        if (offset < 0 || offset + dst.length > size) {
            throw new IndexOutOfBoundsException("values " + offset + ".." + (offset + dst.length) + " of " + size);
        }
        try {
            for (int off = 0; off < dst.length; off += CHUNK) {
                int len = Math.min(CHUNK, dst.length - off);
                ByteBuffer b = ByteBuffer.allocate(4 * len).order(ByteOrder.LITTLE_ENDIAN);
                long at = 4 * (offset + off);
                while (b.hasRemaining()) {
                    if (ch.read(b, at + b.position()) < 0) {
                        throw new IOException("unexpected end of file");
                    }
                }
                b.flip();
                b.asFloatBuffer().get(dst, off, len);
            }
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /**
     * Values per read or write: the JDK copies a heap buffer through a temporary direct buffer of its size and
     * keeps that buffer for the thread, so large transfers would pin large native buffers.
     */
    private static final int CHUNK = 1 << 18;

    private CryosiamUserException failed(IOException e) {
        return new CryosiamUserException(file + ": cannot use the scratch file (" + e.getMessage() + ").", e);
    }

    @Override
    public void close() {
        try {
            ch.close();
            Files.deleteIfExists(file);
            org.cryosiam.Interrupts.untrack(file);
        } catch (IOException ignored) {
            // hidden and removed with the stale temporary files of the folder
        }
    }
}
