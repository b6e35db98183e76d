package org.cryosiam.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.UserErrors;
import org.junit.jupiter.api.Test;

/** Integers too large for an int are errors naming the key; numbers written as strings are accepted. */
class ConfigNumbersTest {
    private static Config yaml(String text) {
        return Config.parse(text, "my.yaml");
    }

    @Test
    void hugeIntegersAreOneSentenceNotAnOverflow() {
        Config c = yaml("parameters:\n  data:\n    patch_size: [2147483648, 32, 32]\n"
                + "n: 99999999999999999999999999\nm: -2147483649\nok: -2147483648\n");
        CryosiamUserException e = assertThrows(CryosiamUserException.class,
                () -> c.intList("parameters.data.patch_size"));
        UserErrors.assertNames(e, "my.yaml", "'parameters.data.patch_size'", "2147483648", "outside the range");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> c.integer("n")), "my.yaml", "'n'");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> c.integer("m")), "my.yaml", "'m'");
        assertEquals(Integer.MIN_VALUE, c.integer("ok"));
        // a string of digits no int holds
        Config s = yaml("n: '" + "9".repeat(50) + "'\n");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> s.integer("n")), "my.yaml", "'n'");
    }

    /** YAML users write numbers as strings (and PyYAML reads 1e-3, without a point, as one): accepted. */
    @Test
    void numbersWrittenAsStringsAreAccepted() {
        Config c = yaml("patch_size: ['32', '48', \" 64 \"]\nlr: 1e-3\nsigma: '0.5'\nk: '7'\nsizes: ['1', 2.5]\n");
        assertEquals(List.of(32, 48, 64), c.intList("patch_size"));
        assertEquals(0.001, c.number("lr"), 0);
        assertEquals(0.5, c.number("sigma"), 0);
        assertEquals(7, c.integer("k"));
        assertEquals(List.of(1.0, 2.5), c.numberList("sizes"));
        assertEquals(List.of(0.5), c.numberList("sigma"));
    }

    @Test
    void textThatIsNoNumberIsStillRefused() {
        Config c = yaml("patch_size: ['32', 'x', 32]\nk: '7.5'\nlr: 'fast'\nhex: '0x10'\nbig: " + "[1] ".trim()
                + "\n");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> c.intList("patch_size")), "my.yaml",
                "'patch_size'", "a list of integers");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> c.integer("k")), "my.yaml", "'k'");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> c.number("lr")), "my.yaml", "'lr'");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> c.number("hex")), "my.yaml", "'hex'");
    }

    @Test
    void messagesNeverPrintAHugeOrSelfReferencingValue() {
        Config c = yaml("a: &x [1, *x]\nb: [" + "1, ".repeat(10_000) + "1]\n");
        CryosiamUserException e = assertThrows(CryosiamUserException.class, () -> c.integer("a"));
        UserErrors.assertNames(e, "my.yaml", "'a'");
        e = assertThrows(CryosiamUserException.class, () -> c.integer("b"));
        UserErrors.assertNames(e, "my.yaml", "'b'");
        assertEquals(true, e.getMessage().length() < 300, e.getMessage());
    }
}
