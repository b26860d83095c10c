// The converter's small parts on their own: answer text in each coord_format, question templates, CRC-32C and
// TFRecord framing, the tf.train.Example decoder, and the drop rules of the derivation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { boxesAnswer, formatBox, formatPoint, pointsAnswer, traceAnswer } from '../generators/language/coords.js';
import { parseCoordFormat } from '../schemas/coord-format.js';
import { graspPointQuestion, placePointQuestion, traceQuestion } from '../generators/language/convert-questions.js';
import { Rng } from '../core/random.js';
import { crc32c, maskedCrc32c } from '../convert/crc32c.js';
import { encodeTFRecords, readTFRecords } from '../convert/tfrecord.js';
import { decodeExample } from '../convert/protobuf.js';
import { InputError } from '../convert/errors.js';
import { deriveEpisode } from '../convert/derive.js';
import type { Calibration } from '../convert/calibration.js';
import { cameraModel } from '../core/camera.js';

describe('coord formats', () => {
  const img = { width: 640, height: 480 };
  test('parse', () => {
    assert.deepEqual(parseCoordFormat('abs:224x224'), { kind: 'abs', width: 224, height: 224 });
    assert.deepEqual(parseCoordFormat('norm1000'), { kind: 'norm1000' });
    assert.deepEqual(parseCoordFormat('norm1'), { kind: 'norm1' });
    for (const bad of ['abs:224', 'abs:0x10', 'norm100', '', 'abs:-1x5']) assert.throws(() => parseCoordFormat(bad), /unknown coord_format/);
  });

  test('points and boxes: rounding, scaling, clamping', () => {
    assert.deepEqual(formatPoint([320, 240], img, parseCoordFormat('abs:224x224')), [112, 112]);
    assert.deepEqual(formatPoint([639.9, 479.9], img, parseCoordFormat('abs:224x224')), [223, 223]); // a point is a pixel
    assert.deepEqual(formatBox([0, 0, 640, 480], img, parseCoordFormat('abs:224x224')), [0, 0, 224, 224]); // a corner is an edge
    assert.deepEqual(formatPoint([320, 120], img, parseCoordFormat('norm1000')), [500, 250]);
    assert.deepEqual(formatPoint([100, 100], img, parseCoordFormat('norm1')), [0.156, 0.208]);
    assert.deepEqual(formatPoint([-5, 900], img, parseCoordFormat('norm1')), [0, 1]);
  });

  test('answer JSON: Qwen2.5-VL keys, one stable text shape', () => {
    const f = parseCoordFormat('norm1000');
    const boxes = boxesAnswer([{ label: 'red mug', bbox_2d: [64, 48, 128, 96] }], img, f);
    assert.equal(boxes, '[{"bbox_2d": [100, 100, 200, 200], "label": "red mug"}]');
    assert.deepEqual(JSON.parse(boxes), [{ bbox_2d: [100, 100, 200, 200], label: 'red mug' }]);
    assert.equal(pointsAnswer([{ label: 'grasp point', point_2d: [320, 240] }], img, f), '[{"point_2d": [500, 500], "label": "grasp point"}]');
    assert.equal(traceAnswer([[0, 0], [640, 480]], img, parseCoordFormat('abs:100x50')), '[[0, 0], [99, 49]]');
    assert.equal(pointsAnswer([{ label: 'say "hi"', point_2d: [0, 0] }], img, f), '[{"point_2d": [0, 0], "label": "say \\"hi\\""}]');
  });
});

describe('question templates', () => {
  test('<image> first, the instruction in, several phrasings picked by the seed, none without an instruction', () => {
    const ctx = { instruction: 'put the cup in the sink.', coordFormat: parseCoordFormat('abs:224x224') };
    const seen = new Set<string>();
    for (let s = 0; s < 40; s++) {
      for (const { text: q } of [traceQuestion(new Rng(s), ctx, 10), graspPointQuestion(new Rng(s), ctx), placePointQuestion(new Rng(s), ctx)]) {
        assert.ok(q.startsWith('<image>\n'));
        assert.ok(q.includes('put the cup in the sink') && !q.includes('sink..') && !q.includes('sink."'), q);
        assert.ok(!/\{\w+\}/.test(q), q);
        seen.add(q);
      }
    }
    assert.ok(seen.size >= 8);
    assert.deepEqual(traceQuestion(new Rng(3), ctx, 10), traceQuestion(new Rng(3), ctx, 10));
    const bare = traceQuestion(new Rng(1), { instruction: null, coordFormat: parseCoordFormat('norm1') }, 10).text;
    assert.ok(bare.startsWith('<image>\n') && bare.includes('10 [x, y] points') && bare.includes('normalized to 0-1'));
  });
});

describe('TFRecord framing and tf.train.Example', () => {
  test('CRC-32C check value and TensorFlow masking', () => {
    assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
    const c = crc32c(new Uint8Array([1, 2, 3]));
    assert.equal(maskedCrc32c(new Uint8Array([1, 2, 3])), ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0);
  });

  test('records round-trip; a cut or flipped byte is an InputError naming the record', () => {
    const recs = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(300).fill(7)];
    const file = encodeTFRecords(recs);
    assert.deepEqual(readTFRecords('x.tfrecord', file).map((r) => Array.from(r)), recs.map((r) => Array.from(r)));
    assert.throws(() => readTFRecords('x.tfrecord', file.subarray(0, file.length - 2)), (e: Error) => e instanceof InputError && /x\.tfrecord#record 2 .*truncated/.test(e.message));
    const bad = file.slice();
    bad[13] ^= 1;
    assert.throws(() => readTFRecords('x.tfrecord', bad), /#record 0 .*data CRC mismatch/);
  });

  test('decodes bytes, packed and unpacked float and int64 lists, negative int64', () => {
    // hand-assembled wire bytes of Example{features{feature{"a": bytes_list["hi"]}, {"f": float_list packed [1.5, -2]},
    // {"g": float_list unpacked [3]}, {"i": int64_list packed [5, -1]}}}
    const v = (n: number) => { const o: number[] = []; while (n > 127) { o.push((n & 127) | 128); n >>>= 7; } o.push(n); return o; };
    const ld = (field: number, body: number[]) => [(field << 3) | 2, ...v(body.length), ...body];
    const f32 = (x: number) => Array.from(new Uint8Array(new Float32Array([x]).buffer));
    const str = (s: string) => Array.from(new TextEncoder().encode(s));
    const entry = (key: string, feature: number[]) => ld(1, [...ld(1, str(key)), ...ld(2, feature)]);
    const minus1 = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    const ex = ld(1, [
      ...entry('a', ld(1, ld(1, str('hi')))),
      ...entry('f', ld(2, ld(1, [...f32(1.5), ...f32(-2)]))),
      ...entry('g', ld(2, [(1 << 3) | 5, ...f32(3)])),
      ...entry('i', ld(3, ld(1, [5, ...minus1]))),
    ]);
    const m = decodeExample(new Uint8Array(ex));
    assert.equal(new TextDecoder().decode((m.get('a')!.value as Uint8Array[])[0]), 'hi');
    assert.deepEqual(m.get('f'), { kind: 'float', value: [1.5, -2] });
    assert.deepEqual(m.get('g'), { kind: 'float', value: [3] });
    assert.deepEqual(m.get('i'), { kind: 'int64', value: [5, -1] });
  });
});

describe('derivation drop rules', () => {
  const cam = cameraModel({ name: 'cam', width: 64, height: 64, fovYDeg: 40, position: [1, 0, 0.5], target: [0, 0, 0] });
  const cal: Calibration = {
    path: 'cal.json', raw: {}, eef: { field: 's', indices: [0, 1, 2] }, gripper: { field: 's', index: 3, closedWhen: 'above', threshold: 0.5 },
    cameras: [{ key: 'cam', width: 64, height: 64, projector: { kind: 'pinhole', camera: cam } }],
  };
  test('out of image, behind the camera and still traces are dropped and counted; events give grasp and place points', () => {
    // frames 0-3 in view moving, 4-5 still in view (gripper closes at 4), 6 far off to the side, 7 behind the camera
    const s = [[0, -0.1, 0, 0], [0, -0.05, 0, 0], [0, 0, 0, 0], [0, 0.05, 0, 0], [0, 0.05, 0, 1], [0, 0.05, 0, 1], [0, 3, 0, 0], [2, 0, 0.5, 0]];
    const d = deriveEpisode({ length: s.length, fields: new Map([['s', s]]) }, cal, { minTracePx: 0.5 });
    assert.deepEqual(d.events, [{ frame: 4, kind: 'grasp' }, { frame: 6, kind: 'place' }]);
    assert.deepEqual(d.points.map((p) => [p.kind, p.frame, p.eventFrame]), [['grasp_point', 0, 4]]);
    assert.equal(d.dropped.place_point_out_of_image, 1);
    assert.deepEqual(d.traces.map((t) => t.frame), [0, 1, 2]);
    assert.equal(d.dropped.trace_still, 1); // frame 3: its trace ends at the change at 4, where it already is
    assert.equal(d.dropped.trace_out_of_image, 4); // 4, 5 (their traces reach frame 6), 6 (off to the side), 7 (behind)
  });
});
