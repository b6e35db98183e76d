package org.cryosiam.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.cryosiam.train.listener.LossCurvePlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossCurvesTest {
    @TempDir
    Path dir;

    @Test
    void writesADecodablePngOfTheExpectedSize() throws IOException {
        Path png = dir.resolve("loss_curves.png");
        LossCurvePlot.write(png, List.of(
                "0,3,0.001,1.200000,0.900000,0.300000,1.300000,1.000000,0.300000,1.00",
                "1,6,0.002,0.900000,0.700000,0.200000,,,,1.00", // not validated this epoch
                "2,9,0.001,0.700000,0.550000,0.150000,0.800000,0.600000,0.200000,1.00"), org.cryosiam.io.OutputSink.NONE);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(LossCurvePlot.PNG_WIDTH, img.getWidth());
        assertEquals(LossCurvePlot.PNG_HEIGHT, img.getHeight());
        assertNotEquals(0xFFFFFF, img.getRGB(LossCurvePlot.PNG_WIDTH / 2, LossCurvePlot.PNG_HEIGHT - 60) & 0xFFFFFF); // frame
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count()); // no temporary file left behind
        }
    }

    @Test
    void aSingleEpochStillPlots() throws IOException {
        Path png = dir.resolve("one.png");
        LossCurvePlot.write(png, List.of("0,3,0.001,1.2,1.2,0,1.3,1.3,0,1.00"), org.cryosiam.io.OutputSink.NONE);
        assertEquals(LossCurvePlot.PNG_WIDTH, ImageIO.read(png.toFile()).getWidth());
    }
}
