using ZkSync.LocalCluster.Semantics;
using static ZkSync.LocalCluster.Tests.Semantics.SchemaTesting;

namespace ZkSync.LocalCluster.Tests.Semantics;

/// <summary>
/// Rules that must hold (or fail with a given error) on given values, taken from apiextensions-apiserver's
/// pkg/apiserver/schema/cel/validation_test.go (TestValidationExpressions, Kubernetes 1.32); each case keeps the
/// upstream name. Cases that need what the Cel package cannot do (two-variable comprehensions, order-insensitive
/// "+" merging map lists by key, cel-go's %e format) are left out; KubernetesCelEnvironment lists them.
/// </summary>
public sealed class CelRuleCorpusTests
{
    private const string Integer = """{"type":"integer"}""";
    private const string Number = """{"type":"number"}""";
    private const string Str = """{"type":"string"}""";
    private const string Bool = """{"type":"boolean"}""";

    public static TheoryData<string, string, string, string> ValidRules() => new()
    {
        { "integers", Props(Integer, Integer), """{"val1":9223372036854775807,"val2":9223372036854775807}""", "self.val1 == self.val2" },
        { "integers", Props(Integer, Integer), """{"val1":9223372036854775807,"val2":9223372036854775807}""", "self.val1 == 9223372036854775807" },
        { "integers", Props(Integer), """{"val1":5}""", "type(self.val1) == int" },
        { "numbers", Props(Number, Number), """{"val1":1.5,"val2":1}""", "type(self.val1) == double" },
        { "numbers", Props(Number, Number), """{"val1":1.5,"val2":1}""", "type(self.val2) == double" },
        { "numbers", Props(Number, Number), """{"val1":1.5,"val2":1}""", "self.val2 == 1.0" },
        { "numeric comparisons", Props(Integer, Integer, Integer, Number), """{"val1":5,"val2":10,"val3":15,"val4":10.0}""", "double(self.val1) < self.val4" },
        { "numeric comparisons", Props(Integer, Integer, Integer, Number), """{"val1":5,"val2":10,"val3":15,"val4":10.0}""", "double(self.val2) == self.val4" },
        { "numeric comparisons", Props(Integer, Integer, Integer, Number), """{"val1":5,"val2":10,"val3":15,"val4":10.0}""", "self.val2 == int(self.val4)" },
        { "numeric comparisons", Props(Integer, Integer, Integer, Number), """{"val1":5,"val2":10,"val3":15,"val4":10.0}""", "self.val1 < self.val4" },
        { "numeric comparisons", Props(Integer, Integer, Integer, Number), """{"val1":5,"val2":10,"val3":15,"val4":10.0}""", "self.val3 >= self.val4" },
        { "numeric comparisons", Props(Integer), """{"val1":5}""", "5 < 10.0" },
        { "numeric comparisons", Props(Integer), """{"val1":5}""", "self.val1 < 10.0" },
        { "unicode strings", Props(Str, Str), """{"val1":"Rook takes 👑","val2":"Rook takes 👑"}""", "self.val1 == self.val2" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "self.val1.startsWith('Rook')" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "!self.val1.startsWith('knight')" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "self.val1.contains('takes')" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "self.val1.endsWith('👑')" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "self.val1.matches('^[^0-9]*$')" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "!self.val1.matches('^[0-9]*$')" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "type(self.val1) == string" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "size(self.val1) == 12" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "self.val1.charAt(3) == 'k'" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "self.val1.indexOf('o') == 1" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "self.val1.indexOf('o', 2) == 2" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "self.val1.replace(' ', 'x') == 'Rookxtakesx👑'" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "self.val1.replace(' ', 'x', 1) == 'Rookxtakes 👑'" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "self.val1.split(' ') == ['Rook', 'takes', '👑']" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "self.val1.split(' ', 2) == ['Rook', 'takes 👑']" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "self.val1.substring(5) == 'takes 👑'" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "self.val1.substring(0, 4) == 'Rook'" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "self.val1.substring(4, 10).trim() == 'takes'" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "self.val1.upperAscii() == 'ROOK TAKES 👑'" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "self.val1.lowerAscii() == 'rook takes 👑'" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "'%o %o %o'.format([7, 8, 9]) == '7 10 11'" },
        { "unicode strings", Props(Str), """{"val1":"Rook takes 👑"}""", "'%b %b %b'.format([7, 8, 9]) == '111 1000 1001'" },
        { "escaped strings", Props(Str), """{"val1":"l1\nl2"}""", "self.val1 == 'l1\\nl2'" },
        { "bytes", Props("""{"type":"string","format":"byte"}"""), """{"val1":"QUI="}""", "self.val1 == b'AB'" },
        { "bytes", Props("""{"type":"string","format":"byte"}"""), """{"val1":"QUI="}""", "self.val1 == bytes('AB')" },
        { "bytes", Props("""{"type":"string","format":"byte"}"""), """{"val1":"QUI="}""", "size(self.val1) == 2" },
        { "booleans", Props(Bool, Bool, Bool), """{"val1":true,"val2":true,"val3":false}""", "self.val1 == self.val2" },
        { "booleans", Props(Bool, Bool, Bool), """{"val1":true,"val2":true,"val3":false}""", "self.val1 != self.val3" },
        { "booleans", Props(Bool), """{"val1":true}""", "type(self.val1) == bool" },
        { "duration format", Props("""{"type":"string","format":"duration"}"""), """{"val1":"1h2m3s4ms"}""", "self.val1 == duration('1h2m3s4ms')" },
        { "duration format", Props("""{"type":"string","format":"duration"}"""), """{"val1":"1h2m3s4ms"}""", "self.val1 == duration('1h2m') + duration('3s4ms')" },
        { "duration format", Props("""{"type":"string","format":"duration"}"""), """{"val1":"1h2m3s4ms"}""", "self.val1.getHours() == 1" },
        { "duration format", Props("""{"type":"string","format":"duration"}"""), """{"val1":"1h2m3s4ms"}""", "self.val1.getMinutes() == 62" },
        { "duration format", Props("""{"type":"string","format":"duration"}"""), """{"val1":"1h2m3s4ms"}""", "self.val1.getSeconds() == 3723" },
        { "duration format", Props("""{"type":"string","format":"duration"}"""), """{"val1":"1h2m3s4ms"}""", "self.val1.getMilliseconds() == 3723004" },
        { "date format", Props("""{"type":"string","format":"date"}"""), """{"val1":"1997-07-16"}""", "self.val1 == timestamp('1997-07-16T00:00:00.000Z')" },
        { "date format", Props("""{"type":"string","format":"date"}"""), """{"val1":"1997-07-16"}""", "self.val1.getDate() == 16" },
        { "date format", Props("""{"type":"string","format":"date"}"""), """{"val1":"1997-07-16"}""", "self.val1.getMonth() == 06" },
        { "date format", Props("""{"type":"string","format":"date"}"""), """{"val1":"1997-07-16"}""", "self.val1.getFullYear() == 1997" },
        { "date-time format", Props("""{"type":"string","format":"date-time"}"""), """{"val1":"2011-08-18T19:03:37.010000000+01:00"}""", "self.val1 == timestamp('2011-08-18T19:03:37.010+01:00')" },
        { "date-time format", Props("""{"type":"string","format":"date-time"}"""), """{"val1":"2011-08-18T19:03:37.010000000+01:00"}""", "self.val1 == timestamp('2011-08-18T00:00:00.000+01:00') + duration('19h3m37s10ms')" },
        { "date-time format", Props("""{"type":"string","format":"date-time"}"""), """{"val1":"2011-08-18T19:03:37.010000000+01:00"}""", "self.val1.getHours('UTC') == 18" },
        { "enums", Props("""{"type":"string","enum":["Pending","Available"]}"""), """{"val1":"Pending"}""", "self.val1 in ['Pending', 'Available']" },
        { "conversions", Props(Integer, Number, Number, Bool, Str), """{"val1":10,"val2":10.0,"val3":10.49,"val4":true,"val5":"10"}""", "int(self.val2) == self.val1" },
        { "conversions", Props(Integer, Number, Number, Bool, Str), """{"val1":10,"val2":10.0,"val3":10.49,"val4":true,"val5":"10"}""", "int(self.val3) == self.val1" },
        { "conversions", Props(Integer, Number, Number, Bool, Str), """{"val1":10,"val2":10.0,"val3":10.49,"val4":true,"val5":"10"}""", "int(self.val5) == self.val1" },
        { "conversions", Props(Integer, Number, Number, Bool, Str), """{"val1":10,"val2":10.0,"val3":10.49,"val4":true,"val5":"10"}""", "double(self.val1) == self.val2" },
        { "conversions", Props(Integer, Number, Number, Bool, Str), """{"val1":10,"val2":10.0,"val3":10.49,"val4":true,"val5":"10"}""", "string(self.val1) == self.val5" },
        { "conversions", Props(Integer, Number, Number, Bool, Str), """{"val1":10,"val2":10.0,"val3":10.49,"val4":true,"val5":"10"}""", "string(self.val3) == '10.49'" },
        { "conversions", Props(Integer, Number, Number, Bool, Str), """{"val1":10,"val2":10.0,"val3":10.49,"val4":true,"val5":"10"}""", "string(self.val4) == 'true'" },
        { "lists", Props(List(Integer), List(Integer)), """{"val1":[1,2,3],"val2":[1,2,3]}""", "self.val1 == self.val2" },
        { "lists", Props(List(Integer), List(Integer)), """{"val1":[1,2,3],"val2":[1,2,3]}""", "1 in self.val1" },
        { "lists", Props(List(Integer), List(Integer)), """{"val1":[1,2,3],"val2":[1,2,3]}""", "self.val2[0] in self.val1" },
        { "lists", Props(List(Integer), List(Integer)), """{"val1":[1,2,3],"val2":[1,2,3]}""", "!(0 in self.val1)" },
        { "lists", Props(List(Integer), List(Integer)), """{"val1":[1,2,3],"val2":[1,2,3]}""", "self.val1 + self.val2 == [1, 2, 3, 1, 2, 3]" },
        { "lists", Props(List(Integer), List(Integer)), """{"val1":[1,2,3],"val2":[1,2,3]}""", "self.val1 + [4, 5] == [1, 2, 3, 4, 5]" },
        { "string lists", Props(List(Str)), """{"val1":["a","b","c"]}""", "self.val1.join('-') == 'a-b-c'" },
        { "string lists", Props(List(Str)), """{"val1":["a","b","c"]}""", "['a', 'b', 'c'].join('-') == 'a-b-c'" },
        { "string lists", Props(List(Str)), """{"val1":["a","b","c"]}""", "self.val1.join() == 'abc'" },
        { "listSets", Props(List(Str)), """{"val1":["a","b","c"]}""", "sets.contains(['a', 'b'], [])" },
        { "listSets", Props(List(Str)), """{"val1":["a","b","c"]}""", "sets.contains(['a', 'b'], ['b'])" },
        { "listSets", Props(List(Str)), """{"val1":["a","b","c"]}""", "!sets.contains(['a', 'b'], ['c'])" },
        { "listSets", Props(List(Str)), """{"val1":["a","b","c"]}""", "sets.equivalent([], [])" },
        { "listSets", Props(List(Str)), """{"val1":["a","b","c"]}""", "sets.equivalent(['c', 'b', 'a'], ['b', 'c', 'a'])" },
        { "listSets", Props(List(Str)), """{"val1":["a","b","c"]}""", "!sets.equivalent(['a', 'b'], ['b', 'c'])" },
        { "listSets", Props(List(Str)), """{"val1":["a","b","c"]}""", "sets.intersects(['a', 'b'], ['b', 'c'])" },
        { "listSets", Props(List(Str)), """{"val1":["a","b","c"]}""", "!sets.intersects([], [])" },
        { "listSets", Props(List(Str)), """{"val1":["a","b","c"]}""", "sets.contains([{'a': 1}, {'b': 2}], [{'b': 2}])" },
        { "listSets", Props(List(Str)), """{"val1":["a","b","c"]}""", "sets.contains([[1, 2], [3, 4]], [[3, 4]])" },
        { "listSets", Props(List(Str)), """{"val1":["a","b","c"]}""", "sets.contains([duration('1h'), duration('2h')], [duration('2h')])" },
        { "listSets", Props(ListSet(Str), ListSet(Str)), """{"val1":["a","b","c"],"val2":["a","c","b"]}""", "self.val1 == ['c', 'b', 'a']" },
        { "listSets", Props(ListSet(Str), ListSet(Str)), """{"val1":["a","b","c"],"val2":["a","c","b"]}""", "self.val1 == self.val2" },
        { "listSets", Props(ListSet(Str), ListSet(Str)), """{"val1":["a","b","c"],"val2":["a","c","b"]}""", "'a' in self.val1" },
        { "listSets", Props(ListSet(Str), ListSet(Str)), """{"val1":["a","b","c"],"val2":["a","c","b"]}""", "self.val2[0] in self.val1" },
        { "listSets", Props(ListSet(Str), ListSet(Str)), """{"val1":["a","b","c"],"val2":["a","c","b"]}""", "!('x' in self.val1)" },
        { "listMaps", ListMapsSchema, ListMapsValue, "self.objs[0] == self.objs[1]" },
        { "listMaps", ListMapsSchema, ListMapsValue, "self.objs[0] == [self.objs[0][0], self.objs[0][1]]" },
        { "listMaps", ListMapsSchema, ListMapsValue, "self.objs[0] == [self.objs[0][1], self.objs[0][0]]" },
        { "listMaps", ListMapsSchema, ListMapsValue, "size(self.objs[0] + [self.objs[3][0]]) == 3" },
        { "maps", Props(Map(Str), Map(Str)), """{"val1":{"k1":"a","k2":"b"},"val2":{"k2":"b","k1":"a"}}""", "self.val1 == self.val2" },
        { "maps", Props(Map(Str)), """{"val1":{"k1":"a","k2":"b"}}""", "'k1' in self.val1" },
        { "maps", Props(Map(Str)), """{"val1":{"k1":"a","k2":"b"}}""", "!('k3' in self.val1)" },
        { "maps", Props(Map(Str)), """{"val1":{"k1":"a","k2":"b"}}""", "self.val1 == {'k1': 'a', 'k2': 'b'}" },
        { "object access", ObjectAccessSchema, ObjectAccessValue, "has(self.a.b)" },
        { "object access", ObjectAccessSchema, ObjectAccessValue, "!has(self.a.c)" },
        { "object access", ObjectAccessSchema, ObjectAccessValue, "!has(self.a.d)" },
        { "object access", ObjectAccessSchema, ObjectAccessValue, "has(self.a1.b1.c1)" },
        { "object access", ObjectAccessSchema, ObjectAccessValue, "!(has(self.a1.d2) && has(self.a1.d2.e2))" },
        { "object access", ObjectAccessSchema, ObjectAccessValue, "!has(self.a1.d2)" },
        { "map access", """{"val":{"type":"object","additionalProperties":{"type":"integer"}}}""", """{"val":{"b":1,"d":2}}""", "!('a' in self.val)" },
        { "map access", """{"val":{"type":"object","additionalProperties":{"type":"integer"}}}""", """{"val":{"b":1,"d":2}}""", "'b' in self.val" },
        { "map access", """{"val":{"type":"object","additionalProperties":{"type":"integer"}}}""", """{"val":{"b":1,"d":2}}""", "!has(self.val.a)" },
        { "map access", """{"val":{"type":"object","additionalProperties":{"type":"integer"}}}""", """{"val":{"b":1,"d":2}}""", "has(self.val.b)" },
        { "map access", """{"val":{"type":"object","additionalProperties":{"type":"integer"}}}""", """{"val":{"b":1,"d":2}}""", "self.val.all(k, self.val[k] > 0)" },
        { "map access", """{"val":{"type":"object","additionalProperties":{"type":"integer"}}}""", """{"val":{"b":1,"d":2}}""", "self.val.exists(k, self.val[k] > 1)" },
        { "map access", """{"val":{"type":"object","additionalProperties":{"type":"integer"}}}""", """{"val":{"b":1,"d":2}}""", "self.val.exists_one(k, self.val[k] == 2)" },
        { "map access", """{"val":{"type":"object","additionalProperties":{"type":"integer"}}}""", """{"val":{"b":1,"d":2}}""", "!self.val.exists(k, self.val[k] > 2)" },
        { "map access", """{"val":{"type":"object","additionalProperties":{"type":"integer"}}}""", """{"val":{"b":1,"d":2}}""", "!self.val.exists_one(k, self.val[k] > 0)" },
        { "map access", """{"val":{"type":"object","additionalProperties":{"type":"integer"}}}""", """{"val":{"b":1,"d":2}}""", "size(self.val) == 2" },
        { "map access", """{"val":{"type":"object","additionalProperties":{"type":"integer"}}}""", """{"val":{"b":1,"d":2}}""", "self.val.map(k, self.val[k]).exists(v, v == 1)" },
        { "map access", """{"val":{"type":"object","additionalProperties":{"type":"integer"}}}""", """{"val":{"b":1,"d":2}}""", "size(self.val.filter(k, self.val[k] > 1)) == 1" },
        { "listMap access", ListMapSchema, ListMapValue, "has(self.listMap[0].v)" },
        { "listMap access", ListMapSchema, ListMapValue, "self.listMap.all(m, m.k.startsWith('a'))" },
        { "listMap access", ListMapSchema, ListMapValue, "self.listMap.all(m, !has(m.v2) || m.v2 == 'z')" },
        { "listMap access", ListMapSchema, ListMapValue, "self.listMap.exists(m, m.k.endsWith('1'))" },
        { "listMap access", ListMapSchema, ListMapValue, "self.listMap.exists_one(m, m.k == 'a3')" },
        { "listMap access", ListMapSchema, ListMapValue, "!self.listMap.all(m, m.k.endsWith('1'))" },
        { "listMap access", ListMapSchema, ListMapValue, "!self.listMap.exists(m, m.v == 'x')" },
        { "listMap access", ListMapSchema, ListMapValue, "!self.listMap.exists_one(m, m.k.startsWith('a'))" },
        { "listMap access", ListMapSchema, ListMapValue, "size(self.listMap.filter(m, m.k == 'a1')) == 1" },
        { "listMap access", ListMapSchema, ListMapValue, "self.listMap.exists(m, m.k == 'a1' && m.v == 'b1')" },
        { "listMap access", ListMapSchema, ListMapValue, "self.listMap.map(m, m.v).exists(v, v == 'b1')" },
        { "listMap access", ListMapSchema, ListMapValue, "self.listMap.exists(m, has(m.v2) && m.v2 == 'z')" },
        { "listMap access", ListMapSchema, ListMapValue, "!self.listMap.all(m, has(m.v2) && m.v2 != 'z')" },
        { "listMap access", ListMapSchema, ListMapValue, "self.listMap.exists_one(m, has(m.v2) && m.v2 == 'z')" },
        { "listMap access", ListMapSchema, ListMapValue, "self.listMap.filter(m, has(m.v2) && m.v2 == 'z').size() == 1" },
        { "listMap access", ListMapSchema, ListMapValue, "self.listMap.filter(m, has(m.v2) && m.v2 == 'z').map(m, m.v2).size() == 1" },
        { "listMap access", ListMapSchema, ListMapValue, "!self.listMap.all(m, m.v2 != 'z')" },
        { "list access", """{"array":{"type":"array","items":{"type":"integer"}}}""", """{"array":[1,1,2,2,3,3,4,5]}""", "2 in self.array" },
        { "list access", """{"array":{"type":"array","items":{"type":"integer"}}}""", """{"array":[1,1,2,2,3,3,4,5]}""", "self.array.all(e, e > 0)" },
        { "list access", """{"array":{"type":"array","items":{"type":"integer"}}}""", """{"array":[1,1,2,2,3,3,4,5]}""", "self.array.exists(e, e > 2)" },
        { "list access", """{"array":{"type":"array","items":{"type":"integer"}}}""", """{"array":[1,1,2,2,3,3,4,5]}""", "self.array.exists_one(e, e > 4)" },
        { "list access", """{"array":{"type":"array","items":{"type":"integer"}}}""", """{"array":[1,1,2,2,3,3,4,5]}""", "!self.array.all(e, e < 2)" },
        { "list access", """{"array":{"type":"array","items":{"type":"integer"}}}""", """{"array":[1,1,2,2,3,3,4,5]}""", "!self.array.exists_one(e, e == 2)" },
        { "list access", """{"array":{"type":"array","items":{"type":"integer"}}}""", """{"array":[1,1,2,2,3,3,4,5]}""", "size(self.array.filter(e, e%2 == 0)) == 3" },
        { "list access", """{"array":{"type":"array","items":{"type":"integer"}}}""", """{"array":[1,1,2,2,3,3,4,5]}""", "self.array.map(e, e * 20).filter(e, e > 50).exists(e, e == 60)" },
        { "list access", """{"array":{"type":"array","items":{"type":"integer"}}}""", """{"array":[1,1,2,2,3,3,4,5]}""", "size(self.array) == 8" },
        { "typemeta and objectmeta access not specified", """{"spec":{"type":"object","properties":{"field1":{"type":"string"}}}}""",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"foo","generateName":"pickItForMe","namespace":"xyz"},"spec":{"field1":"a"}}""", "self.kind == 'Pod'" },
        { "typemeta and objectmeta access not specified", """{"spec":{"type":"object","properties":{"field1":{"type":"string"}}}}""",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"foo","generateName":"pickItForMe","namespace":"xyz"},"spec":{"field1":"a"}}""", "self.apiVersion == 'v1'" },
        { "typemeta and objectmeta access not specified", """{"spec":{"type":"object","properties":{"field1":{"type":"string"}}}}""",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"foo","generateName":"pickItForMe","namespace":"xyz"},"spec":{"field1":"a"}}""", "self.metadata.name == 'foo'" },
        { "typemeta and objectmeta access not specified", """{"spec":{"type":"object","properties":{"field1":{"type":"string"}}}}""",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"foo","generateName":"pickItForMe","namespace":"xyz"},"spec":{"field1":"a"}}""", "self.metadata.generateName == 'pickItForMe'" },
        { "embedded object", EmbeddedSchema, EmbeddedValue, "self.embedded.kind == 'Pod'" },
        { "embedded object", EmbeddedSchema, EmbeddedValue, "self.embedded.apiVersion == 'v1'" },
        { "embedded object", EmbeddedSchema, EmbeddedValue, "self.embedded.metadata.name == 'foo'" },
        { "embedded object", EmbeddedSchema, EmbeddedValue, "self.embedded.metadata.generateName == 'pickItForMe'" },
        { "embedded object", EmbeddedSchema, EmbeddedValue, "has(self.embedded)" },
        { "string in intOrString", IntOrString, """{"something":"25%"}""", "self.something == '25%'" },
        { "string in intOrString", IntOrString, """{"something":"25%"}""", "self.something != 1" },
        { "string in intOrString", IntOrString, """{"something":"25%"}""", "self.something == 1 || self.something == '25%'" },
        { "string in intOrString", IntOrString, """{"something":"25%"}""", "self.something == '25%' || self.something == 1" },
        { "string in intOrString", IntOrString, """{"something":"25%"}""", "type(self.something) == string && self.something == '25%'" },
        { "string in intOrString", IntOrString, """{"something":"25%"}""", "type(self.something) == int ? self.something == 1 : self.something == '25%'" },
        { "int in intOrString", IntOrString, """{"something":1}""", "self.something == 1" },
        { "int in intOrString", IntOrString, """{"something":1}""", "self.something != 'some string'" },
        { "int in intOrString", IntOrString, """{"something":1}""", "type(self.something) == int && self.something == 1" },
        { "percent comparison using intOrString",
            """{"min":{"x-kubernetes-int-or-string":true},"current":{"type":"integer"},"available":{"type":"integer"}}""",
            """{"min":"50%","current":5,"available":10}""", "type(self.min) == string && self.min.matches(r'(\\d+(\\.\\d+)?%)')" },
        { "percent comparison using intOrString",
            """{"min":{"x-kubernetes-int-or-string":true},"current":{"type":"integer"},"available":{"type":"integer"}}""",
            """{"min":"50%","current":5,"available":10}""",
            "type(self.min) == int ? self.current <= self.min : double(self.current) / double(self.available) >= double(self.min.replace('%', '')) / 100.0" },
    };

    public static TheoryData<string, string, string, string, string> FailingRules() => new()
    {
        { "integers", Props(Integer), """{"val1":9223372036854775807}""", "self.val1 + 1 == 0", "integer overflow" },
        { "integers", Props(Integer), """{"val1":1}""", "1 / 0 == 1 / 0", "division by zero" },
        { "object access", ObjectAccessSchema, ObjectAccessValue, "has(self.a1.d2.e2)", "no such key: d2" },
        { "map access", """{"val":{"type":"object","additionalProperties":{"type":"integer"}}}""", """{"val":{"b":1,"d":2}}""", "self.val['c'] == 1", "no such key" },
        { "listMap access", ListMapSchema, ListMapValue, "self.listMap.all(m, m.v2 == 'z')", "no such key: v2" },
        { "listMap access", ListMapSchema, ListMapValue, "self.listMap.filter(m, m.v2 == 'z').size() == 1", "no such key: v2" },
        { "listMap access", ListMapSchema, ListMapValue, "self.listMap.map(m, m.v2).size() == 1", "no such key: v2" },
        { "list access", """{"array":{"type":"array","items":{"type":"integer"}}}""", """{"array":[1,2]}""", "self.array[100] == 0", "index out of bounds" },
        { "null in intOrString", """{"something":{"x-kubernetes-int-or-string":true,"nullable":true}}""", """{"something":null}""", "type(self.something) == int", "no such key" },
    };

    public static TheoryData<string, string, string> UndefinedFields() => new()
    {
        { "object access", ObjectAccessSchema, "has(self.a.z)" },
        { "typemeta and objectmeta access not specified", """{"spec":{"type":"object","properties":{"field1":{"type":"string"}}}}""", "has(self.metadata.namespace)" },
        { "embedded object", EmbeddedSchema, "has(self.embedded.metadata.namespace)" },
        { "embedded object", EmbeddedSchema, "has(self.embedded.spec)" },
    };

    private const string ObjectAccessSchema = """
        {"a":{"type":"object","properties":{"b":{"type":"integer"},"c":{"type":"integer"},"d":{"type":"integer","nullable":true}}},
         "a1":{"type":"object","properties":{"b1":{"type":"object","properties":{"c1":{"type":"integer"}}},"d2":{"type":"object","properties":{"e2":{"type":"integer"}}}}},
         "a3":{"type":"object","properties":{}}}
        """;

    private const string ObjectAccessValue = """{"a":{"b":1,"d":null},"a1":{"b1":{"c1":4}},"a3":{}}""";

    private const string ListMapSchema = """
        {"listMap":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["k"],
          "items":{"type":"object","required":["k"],"properties":{"k":{"type":"string"},"v":{"type":"string"},"v2":{"type":"string"}}}}}
        """;

    private const string ListMapValue = """{"listMap":[{"k":"a1","v":"b1"},{"k":"a2","v":"b2"},{"k":"a3","v":"b3","v2":"z"}]}""";

    private const string ListMapsSchema = """
        {"objs":{"type":"array","items":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["k"],
          "items":{"type":"object","required":["k"],"properties":{"k":{"type":"string"},"v":{"type":"string"}}}}}}
        """;

    private const string ListMapsValue = """
        {"objs":[[{"k":"a","v":"1"},{"k":"b","v":"2"}],[{"k":"b","v":"2"},{"k":"a","v":"1"}],[{"k":"b","v":"3"},{"k":"a","v":"1"}],[{"k":"c","v":"4"}]]}
        """;

    private const string EmbeddedSchema = """{"embedded":{"type":"object","x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true}}""";

    private const string EmbeddedValue = """{"embedded":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"foo","generateName":"pickItForMe","namespace":"xyz"},"spec":{"field1":"a"}}}""";

    private const string IntOrString = """{"something":{"x-kubernetes-int-or-string":true}}""";

    [Theory]
    [MemberData(nameof(ValidRules))]
    public void Rule_FromTheUpstreamCorpus_Holds(string upstreamCase, string properties, string value, string rule)
    {
        var schema = RootSchema(properties, rule);

        var errors = schema.Validate(Object(value), null);

        Assert.True(errors.Count == 0, $"{upstreamCase}: {rule}: {string.Join("; ", Texts(errors))}");
    }

    [Theory]
    [MemberData(nameof(FailingRules))]
    public void Rule_FromTheUpstreamCorpus_FailsWithTheUpstreamError(string upstreamCase, string properties, string value, string rule, string expected)
    {
        var schema = RootSchema(properties, rule);

        var error = Assert.Single(schema.Validate(Object(value), null));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.EndsWith($" evaluating rule: {rule}", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Invalid value: \"object\": ", error.Message, StringComparison.Ordinal);
        Assert.True(upstreamCase.Length > 0);
    }

    [Theory]
    [MemberData(nameof(UndefinedFields))]
    public void Rule_SelectingAFieldTheSchemaDoesNotDeclare_IsRefusedWithTheSchema(string upstreamCase, string properties, string rule)
    {
        var error = Assert.Throws<SchemaException>(() => RootSchema(properties, rule));

        var field = rule[(rule.LastIndexOf('.') + 1)..].TrimEnd(')');
        Assert.Contains($"undefined field '{field}'", error.Message, StringComparison.Ordinal);
        Assert.Equal("openAPIV3Schema.x-kubernetes-validations[0].rule", Assert.Single(error.Errors).Field);
        Assert.True(upstreamCase.Length > 0);
    }

    private static string Props(params string[] schemas) =>
        "{" + string.Join(",", schemas.Select((s, i) => $"\"val{i + 1}\":{s}")) + "}";

    private static string List(string items) => $$"""{"type":"array","items":{{items}}}""";

    private static string ListSet(string items) => $$"""{"type":"array","x-kubernetes-list-type":"set","items":{{items}}}""";

    private static string Map(string values) => $$"""{"type":"object","additionalProperties":{{values}}}""";
}
