package org.cryosiam.io;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's {@code repr(float)}: the shortest decimal that reads back as the same double, in fixed notation for
 * 1e-4 <= |x| < 1e16 ({@code 12.0}, {@code 0.1}, {@code 0.0001}) and scientific otherwise ({@code 1e-05},
 * {@code 1.5e+16}); {@code nan}, {@code inf}. pandas writes CSV floats this way, so our tables match the reference's
 * byte for byte. Java 17's {@code Double.toString} is not always shortest (fixed only in Java 19), hence the search.
 */
public final class PythonFloat {
    private static final RoundingMode[] MODES = {RoundingMode.HALF_EVEN, RoundingMode.FLOOR, RoundingMode.CEILING};

    private PythonFloat() {
    }

    public static String repr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (Double.doubleToRawLongBits(d) < 0) ? "-0.0" : "0.0";
        }
        BigDecimal shortest = shortest(Math.abs(d));
        String digits = shortest.unscaledValue().toString();
        int decpt = digits.length() - shortest.scale(); // value = 0.DIGITS * 10^decpt
        String body = (decpt > 16 || decpt < -3) ? scientific(digits, decpt) : fixed(digits, decpt);
        return d < 0 ? "-" + body : body;
    }

    /** The shortest decimal that round-trips; the nearest one among equally short candidates. */
    private static BigDecimal shortest(double a) {
        BigDecimal exact = new BigDecimal(a);
        for (int p = 1; p <= 17; p++) {
            for (RoundingMode m : MODES) { // nearest first; floor/ceiling cover the uneven gaps at powers of two
                BigDecimal r = exact.round(new MathContext(p, m));
                if (r.doubleValue() == a) {
                    return r.stripTrailingZeros();
                }
            }
        }
        return exact.round(MathContext.DECIMAL64).stripTrailingZeros(); // not reached: 17 digits always round-trip
    }

    private static String fixed(String digits, int decpt) {
        if (decpt <= 0) {
            return "0." + "0".repeat(-decpt) + digits;
        }
        if (decpt < digits.length()) {
            return digits.substring(0, decpt) + "." + digits.substring(decpt);
        }
        return digits + "0".repeat(decpt - digits.length()) + ".0";
    }

    private static String scientific(String digits, int decpt) {
        int exp = decpt - 1;
        String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String e = String.valueOf(Math.abs(exp));
        return mant + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
    }
}
