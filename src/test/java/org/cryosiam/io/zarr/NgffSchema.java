package org.cryosiam.io.zarr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.cryosiam.Python;

/**
 * Validates OME-Zarr {@code .zattrs} that we wrote against the OME-NGFF 0.4 image requirements with Debian's
 * python3-jsonschema (installed by .ci/run). The schema below is written here from the 0.4 specification and its
 * published image schema (https://ngff.openmicroscopy.org/0.4, ome/ngff {@code 0.4/schemas/image.schema}): the same
 * requirements, restated so that the test needs no download. What JSON Schema cannot say (one scale value per axis,
 * the axis order time, channel, space) is checked in Python beside it, and so are the stricter rules of our reader
 * (positive scales), which a store we write must also meet.
 */
public final class NgffSchema {
    private NgffSchema() {
    }

    private static final String SCRIPT = String.join("\n",
            "import sys, json, jsonschema",
            "space_units = ['angstrom', 'attometer', 'centimeter', 'decimeter', 'exameter', 'femtometer', 'foot',",
            "  'gigameter', 'hectometer', 'inch', 'kilometer', 'megameter', 'meter', 'micrometer', 'mile', 'millimeter',",
            "  'nanometer', 'parsec', 'petameter', 'picometer', 'terameter', 'yard', 'yoctometer', 'yottameter',",
            "  'zeptometer', 'zettameter']",
            "numbers = {'type': 'array', 'items': {'type': 'number'}, 'minItems': 2}",
            "scale = {'type': 'object', 'required': ['type', 'scale'],",
            "  'properties': {'type': {'const': 'scale'}, 'scale': numbers}}",
            "translation = {'type': 'object', 'required': ['type', 'translation'],",
            "  'properties': {'type': {'const': 'translation'}, 'translation': numbers}}",
            "transforms = {'type': 'array', 'minItems': 1, 'maxItems': 2, 'prefixItems': [scale, translation]}",
            "axis = {'type': 'object', 'required': ['name'], 'properties': {",
            "  'name': {'type': 'string'}, 'type': {'type': 'string'}},",
            "  'if': {'properties': {'type': {'const': 'space'}}, 'required': ['type']},",
            "  'then': {'properties': {'unit': {'enum': space_units}}}}",
            "schema = {'$schema': 'https://json-schema.org/draft/2020-12/schema', 'type': 'object',",
            "  'required': ['multiscales'], 'properties': {'multiscales': {'type': 'array', 'minItems': 1,",
            "    'uniqueItems': True, 'items': {'type': 'object', 'required': ['axes', 'datasets'], 'properties': {",
            "      'version': {'const': '0.4'}, 'name': {'type': 'string'}, 'type': {'type': 'string'},",
            "      'metadata': {'type': 'object'},",
            "      'axes': {'type': 'array', 'minItems': 2, 'maxItems': 5, 'uniqueItems': True, 'items': axis},",
            "      'coordinateTransformations': transforms,",
            "      'datasets': {'type': 'array', 'minItems': 1, 'items': {'type': 'object',",
            "        'required': ['path', 'coordinateTransformations'], 'properties': {",
            "          'path': {'type': 'string'}, 'coordinateTransformations': transforms}}}}}}}}",
            "jsonschema.Draft202012Validator.check_schema(schema)",
            "for root in sys.argv[1:]:",
            "  attrs = json.load(open(root + '/.zattrs'))",
            "  jsonschema.Draft202012Validator(schema).validate(attrs)",
            "  for ms in attrs['multiscales']:",
            "    kinds = [a.get('type') for a in ms['axes']]",
            "    assert 2 <= kinds.count('space') <= 3, kinds",
            "    order = {'time': 0, 'channel': 1, 'space': 2}",
            "    assert [order.get(k, 1) for k in kinds] == sorted(order.get(k, 1) for k in kinds), kinds",
            "    for d in ms['datasets']:",
            "      for t in d['coordinateTransformations']:",
            "        assert len(t[t['type']]) == len(ms['axes']), (root, t)",
            "      assert all(v > 0 for v in d['coordinateTransformations'][0]['scale']), (root, d)",
            "    meta = ms['metadata']",
            "    assert isinstance(meta['method'], str) and isinstance(meta['description'], str), meta",
            "print('valid', len(sys.argv) - 1)");

    /** Fails unless every store's {@code .zattrs} meets the OME-NGFF 0.4 image requirements. */
    public static void assertValid(Path... stores) {
        assertEquals("valid " + stores.length, Python.run(SCRIPT, (Object[]) stores));
    }
}
