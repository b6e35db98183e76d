package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegionPropsTest {

    @Test
    void areaBboxCentroidInLabelOrder() {
        // z=0: 2 2 .    z=1: . . .
        //      . . 1         . . 1
        int[] l = {2, 2, 0,
                   0, 0, 1,
                   0, 0, 0,
                   0, 0, 1};
        List<RegionProps.Region> r = RegionProps.of(l, 2, 2, 3);
        assertEquals(2, r.size());
        assertEquals(new RegionProps.Region(1, 2, 0, 1, 2, 2, 2, 3, 0.5, 1.0, 2.0), r.get(0));
        assertEquals(new RegionProps.Region(2, 2, 0, 0, 0, 1, 1, 2, 0.0, 0.0, 0.5), r.get(1));
    }

    @Test
    void matchesSkimageRegionpropsTable() {
        Expected e = new Expected("label_20.txt");
        List<RegionProps.Region> r = RegionProps.of(e.ints("l26"), 20, 20, 20);
        double[] rows = e.doubles("props26");
        assertEquals(rows.length / 11, r.size());
        for (int k = 0; k < r.size(); k++) {
            RegionProps.Region g = r.get(k);
            double[] got = {g.label(), g.area(), g.z0(), g.y0(), g.x0(), g.z1(), g.y1(), g.x1(),
                            g.centroidZ(), g.centroidY(), g.centroidX()};
            for (int c = 0; c < 11; c++) {
                assertEquals(rows[k * 11 + c], got[c], 0.0, "region " + k + " column " + c);
            }
        }
    }
}
