import { describe, expect, it } from "vitest";
import { applyOverrides, parseSpec, presetSpec, SpecError } from "../src/spec/index.js";

const base = () => presetSpec("nica-mlp");
const err = (f: () => unknown): SpecError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return e as SpecError;
  }
  throw new Error("expected a SpecError");
};

describe("spec validation", () => {
  it("the preset parses with its documented defaults", () => {
    const s = parseSpec(base());
    expect(s.widths).toEqual(new Array(11).fill(100));
    expect(s.activation).toEqual({ name: "relu" });
    expect(s.weights.law).toBe("gaussian");
    expect(s.gain).toBe(2);
  });
  it("overrides: numbers, strings, nested fields and lists", () => {
    const s = parseSpec(
      applyOverrides(base(), ["width=64", "depth=32", "activation=tanh", "weights.law=uniform"]),
    );
    expect(s.widths.length).toBe(33);
    expect(s.widths[0]).toBe(64);
    expect(s.activation.name).toBe("tanh");
    expect(s.weights.law).toBe("uniform");
    const u = parseSpec(applyOverrides(base(), ["width=[20,400]"]));
    expect(u.depth).toBe(1);
    expect(u.widths).toEqual([20, 400]);
    const t = parseSpec(applyOverrides(base(), ['activation={"name":"two-slope","a":1,"b":0.1}']));
    expect(t.activation).toEqual({ name: "two-slope", a: 1, b: 0.1 });
  });
  const bad: [string[], RegExp][] = [
    [["width=-3"], /^width: width must be an integer from 1 to 1000000 \(got -3\)/],
    [["width=2.5"], /^width: .*integer/],
    [["width=abc"], /^width: .*\(got "abc"\)/],
    [["depth=-1"], /^depth: depth must be an integer from 0 to/],
    [["nIn=0"], /^nIn: nIn must be an integer from 1/],
    [
      ["activation=softmax"],
      /^activation: activation must be one of relu, identity, linear, two-slope, leaky-relu, tanh, gelu, silu, sigmoid, ou .*\(got "softmax"\)/,
    ],
    [
      ["weights.law=cauchy"],
      /^weights.law: weights.law must be one of gaussian, uniform, rademacher \(got "cauchy"\)/,
    ],
    [["gain=0"], /^gain: gain must be a finite number > 0/],
    [["foo=1"], /^foo: unknown field; allowed fields: family, width, depth/],
    [["family=cnn"], /^family: must be one of mlp, resnet, hayou, marion \(got "cnn"\)/],
    [["width=[10,10]", "depth=5"], /^depth: must equal the number of widths minus one \(1\)/],
    [["inputs=[[1,2]]"], /^inputs\[0\].values: must have length nIn = 10 \(got 2\)/],
    [["inputs=[]"], /^inputs: inputs must hold at least one input/],
  ];
  for (const [sets, re] of bad) {
    it(`rejects ${sets.join(" ")} with a message naming the field`, () => {
      expect(err(() => parseSpec(applyOverrides(base(), sets))).message).toMatch(re);
    });
  }
  it("rejects malformed --set and unknown presets", () => {
    expect(err(() => applyOverrides(base(), ["width"])).message).toMatch(
      /^--set: must look like field=value/,
    );
    expect(err(() => presetSpec("resnet-9000")).message).toMatch(
      /^preset: unknown preset; available: nica-mlp/,
    );
    expect(err(() => parseSpec([1, 2])).message).toMatch(/^spec: must be a JSON object/);
  });
});
