using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Semantics;
using static ZkSync.LocalCluster.Tests.Semantics.SchemaTesting;

namespace ZkSync.LocalCluster.Tests.Semantics;

/// <summary>
/// JSONPath templates, with the cases and expected output of client-go's util/jsonpath/jsonpath_test.go (v0.32.4:
/// TestTypesInput, TestStructInput, TestJSONInput, TestKubernetes, TestEmptyRange, TestNestedRanges), the struct inputs
/// written as the equivalent JSON.
/// </summary>
public sealed class JsonPathTemplateTests
{
    private const string Types = """
        {"bools":[true,false,true,false],"integers":[1,2,3,4],"floats":[1,2.2,3.3,4],"strings":["one","two","three","four"],
         "interfaces":[true,"one",1,1.1],
         "maps":[{"name":"one","value":1},{"name":"two","value":2.02},{"name":"three","value":3.03},{"name":"four","value":4.04}]}
        """;

    private const string Store = """
        {"Book":[{"Category":"reference","Author":"Nigel Rees","Title":"Sayings of the Centurey","Price":8.95},
                 {"Category":"fiction","Author":"Evelyn Waugh","Title":"Sword of Honour","Price":12.99},
                 {"Category":"fiction","Author":"Herman Melville","Title":"Moby Dick","Price":8.99}],
         "Bicycle":[{"Color":"red","Price":19.95,"IsNew":true},{"Color":"green","Price":20.01,"IsNew":false}],
         "Name":"jsonpath","Labels":{"engieer":10,"web/html":15,"k8s-app":20},"Employees":{"jason":"manager","dan":"clerk"}}
        """;

    private const string Points = """
        [{"id":"i1","x":4,"y":-5},{"id":"i2","x":-2,"y":-5,"z":1},{"id":"i3","x":8,"y":3},{"id":"i4","x":-6,"y":-1},
         {"id":"i5","x":0,"y":2,"z":1},{"id":"i6","x":1,"y":4},{"id":"i7","x":null,"y":4}]
        """;

    private const string Nodes = """
        {"kind":"List","items":[
          {"kind":"None","metadata":{"name":"127.0.0.1","labels":{"kubernetes.io/hostname":"127.0.0.1"}},
           "status":{"capacity":{"cpu":"4"},"ready":true,"addresses":[{"type":"LegacyHostIP","address":"127.0.0.1"}]}},
          {"kind":"None","metadata":{"name":"127.0.0.2","labels":{"kubernetes.io/hostname":"127.0.0.2"}},
           "status":{"capacity":{"cpu":"8"},"ready":false,"addresses":[{"type":"LegacyHostIP","address":"127.0.0.2"},{"type":"another","address":"127.0.0.3"}]}}],
         "users":[{"name":"myself","user":{}},{"name":"e2e","user":{"username":"admin","password":"secret"}}]}
        """;

    private const string NestedRanges = """
        {"items":[{"metadata":{"name":"pod1"},"spec":{"containers":[{"name":"foo","another":[{"name":"value1"},{"name":"value2"}]},{"name":"bar","another":[{"name":"value1"},{"name":"value2"}]}]}},
                  {"metadata":{"name":"pod2"},"spec":{"containers":[{"name":"baz","another":[{"name":"value1"},{"name":"value2"}]}]}}]}
        """;

    public static TheoryData<string, string, string, string> Outputs() => new()
    {
        { "boolSlice", "{ .bools }", Types, "[true,false,true,false]" },
        { "boolSliceIndex", "{ .bools[0] }", Types, "true" },
        { "boolSliceIndexReverse", "{ .bools[-1] }", Types, "false" },
        { "boolSubSlice", "{ .bools[0:2] }", Types, "true false" },
        { "boolSubSliceFirst2", "{ .bools[:2] }", Types, "true false" },
        { "boolSubSliceStep2", "{ .bools[:4:2] }", Types, "true true" },
        { "integerSliceIndexReverse", "{ .integers[-2] }", Types, "3" },
        { "integerSubSliceStep2", "{ .integers[:4:2] }", Types, "1 3" },
        { "floatSlice", "{ .floats }", Types, "[1,2.2,3.3,4]" },
        { "floatSliceIndexReverse", "{ .floats[-2] }", Types, "3.3" },
        { "floatSubSliceFirst2", "{ .floats[0:2] }", Types, "1 2.2" },
        { "stringSlice", "{ .strings }", Types, """["one","two","three","four"]""" },
        { "stringSubSliceStep2", "{ .strings[:4:2] }", Types, "one three" },
        { "interfaceSlice", "{ .interfaces }", Types, """[true,"one",1,1.1]""" },
        { "interfaceSubSliceStep2", "{ .interfaces[:4:2] }", Types, "true 1" },
        { "mapSliceIndex", "{ .maps[0] }", Types, """{"name":"one","value":1}""" },
        { "mapSliceIndexReverse", "{ .maps[-2] }", Types, """{"name":"three","value":3.03}""" },
        { "mapSubSliceStepOdd", "{ .maps[::2] }", Types, """{"name":"one","value":1} {"name":"three","value":3.03}""" },
        { "mapSubSliceStepEven", "{ .maps[1::2] }", Types, """{"name":"two","value":2.02} {"name":"four","value":4.04}""" },
        { "plain", "hello jsonpath", "{}", "hello jsonpath" },
        { "recursive", "{..}", "[1,2,3]", "[1,2,3]" },
        { "filter", "{[?(@<5)]}", "[2,6,3,7]", "2 3" },
        { "quote", """{"{"}""", "{}", "{" },
        { "union", "{[1,3,4]}", "[0,1,2,3,4]", "1 3 4" },
        { "array", "{[0:2]}", """["Monday","Tudesday"]""", "Monday Tudesday" },
        { "variable", "hello {.Name}", Store, "hello jsonpath" },
        { "dict/", "{$.Labels.web/html}", Store, "15" },
        { "dict/", "{$.Employees.jason}", Store, "manager" },
        { "dict-", "{.Labels.k8s-app}", Store, "20" },
        { "nest", "{.Bicycle[*].Color}", Store, "red green" },
        { "allarray", "{.Book[*].Author}", Store, "Nigel Rees Evelyn Waugh Herman Melville" },
        { "allfields", """{range .Bicycle[*]}{ "{" }{ @.* }{ "} " }{end}""", Store, "{red 19.95 true} {green 20.01 false} " },
        { "recurfields", "{..Price}", Store, "8.95 12.99 8.99 19.95 20.01" },
        { "recurdotfields", "{...Price}", Store, "8.95 12.99 8.99 19.95 20.01" },
        { "lastarray", "{.Book[-1:]}", Store, """{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}""" },
        { "recurarray", "{..Book[2]}", Store, """{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}""" },
        { "bool", "{.Bicycle[?(@.IsNew==true)]}", Store, """{"Color":"red","IsNew":true,"Price":19.95}""" },
        { "nonexistent field", "{.hello}", Store, "" },
        { "nonexistent field 2", "before-{.hello}after", Store, "before-after" },
        { "exists filter", "{[?(@.z)].id}", Points, "i2 i5" },
        { "bracket key", "{[0]['id']}", Points, "i1" },
        { "nil value", "{[-1]['x']}", Points, "null" },
        { "range item", "{range .items[*]}{.metadata.name}, {end}{.kind}", Nodes, "127.0.0.1, 127.0.0.2, List" },
        { "range item with quote", """{range .items[*]}{.metadata.name}{"\t"}{end}""", Nodes, "127.0.0.1\t127.0.0.2\t" },
        { "range addresss", "{.items[*].status.addresses[*].address}", Nodes, "127.0.0.1 127.0.0.2 127.0.0.3" },
        { "double range", "{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}", Nodes, "127.0.0.1, 127.0.0.2, 127.0.0.3, " },
        { "item name", "{.items[*].metadata.name}", Nodes, "127.0.0.1 127.0.0.2" },
        { "union nodes capacity", "{.items[*]['metadata.name', 'status.capacity']}", Nodes, """127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}""" },
        { "range nodes capacity", "{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}", Nodes, """[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] """ },
        { "user password", """{.users[?(@.name=="e2e")].user.password}""", Nodes, "secret" },
        { "hostname", @"{.items[0].metadata.labels.kubernetes\.io/hostname}", Nodes, "127.0.0.1" },
        { "hostname filter", """{.items[?(@.metadata.labels.kubernetes\.io/hostname=="127.0.0.1")].kind}""", Nodes, "None" },
        { "bool item", "{.items[?(@..ready==true)].metadata.name}", Nodes, "127.0.0.1" },
        { "empty range", "{range .items[*]}{.metadata.name}{end}", """{"items":[]}""", "" },
        { "empty nested range", """{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}""", """{"items":[]}""", "" },
        { "nested range with a trailing string", """{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}""", NestedRanges, "pod1:foo,bar,+pod2:baz,+" },
        { "nested range with a trailing newline", """{range .items[*]}{.metadata.name}{"\n"}{range @.spec.containers[*]}{.name}{","}{end}{end}""", NestedRanges, "pod1\nfoo,bar,pod2\nbaz," },
    };

    public static TheoryData<string, string, string, string> RuntimeFailures() => new()
    {
        { "invalid identifier", "{hello}", Store, "unrecognized identifier hello" },
        { "invalid array", "{.Labels[0]}", Store, "map[string]interface {} is not array or slice" },
        { "invalid filter operator", "{.Book[?(@.Price<>10)]}", Store, "unrecognized filter operator <>" },
        { "redundant end", "{range .Labels.*}{@}{end}{end}", Store, "not in range, nothing to end" },
        { "out of bounds", "{.Book[7]}", Store, "array index out of bounds: index 7, length 3" },
    };

    [Theory]
    [MemberData(nameof(Outputs))]
    public void Format_PrintsWhatClientGoPrints(string upstreamCase, string template, string data, string expected)
    {
        Assert.True(expected == JsonPathTemplate.Format(Json(data), template), $"{upstreamCase}: {JsonPathTemplate.Format(Json(data), template)}");
    }

    [Theory]
    [MemberData(nameof(RuntimeFailures))]
    public void Format_FailsWithClientGosMessage(string upstreamCase, string template, string data, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => JsonPathTemplate.Format(Json(data), template));

        Assert.True(expected == error.Message, $"{upstreamCase}: {error.Message}");
    }

    [Theory]
    [InlineData("{.Book[?(@.Price<10)}", "unclosed array expect ]")]
    [InlineData("{.Book[0:]", "unclosed action")]
    [InlineData("{.Book[", "unterminated array")]
    [InlineData("{\"abc}", "unterminated quoted string")]
    [InlineData("{....a}", "invalid multiple recursive descent")]
    [InlineData("{.a[x]}", "invalid array index x")]
    public void Validate_ATemplateThatDoesNotParse_ThrowsWithClientGosMessage(string template, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => JsonPathTemplate.Validate(template));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Evaluate_APrinterColumnPath_SelectsTheValue()
    {
        var session = Object("""{"status":{"phase":"Running","progressPercent":42,"conditions":[{"type":"Ready","status":"False"},{"type":"Reconciling","status":"True"}]}}""");

        Assert.Equal("Running", Assert.Single(JsonPathTemplate.Evaluate(session, ".status.phase"))!.GetValue<string>());
        Assert.Equal(42, Assert.Single(JsonPathTemplate.Evaluate(session, ".status.progressPercent"))!.GetValue<int>());
        Assert.Equal("True", Assert.Single(JsonPathTemplate.Evaluate(session, """.status.conditions[?(@.type=="Reconciling")].status"""))!.GetValue<string>());
        Assert.Equal("Running", Assert.Single(JsonPathTemplate.Evaluate(session, "{.status.phase}"))!.GetValue<string>());
    }

    [Fact]
    public void Evaluate_AMissingFieldOrARuntimeError_SelectsNothing()
    {
        var session = Object("""{"status":{"conditions":[]}}""");

        Assert.Empty(JsonPathTemplate.Evaluate(session, ".status.phase"));
        Assert.Empty(JsonPathTemplate.Evaluate(session, ".status.conditions[0].status"));
        Assert.Empty(JsonPathTemplate.Evaluate(session, """.status[?(@.type=="Ready")]"""));
    }

    [Fact]
    public void Evaluate_WildcardsAndRanges_SelectEveryValueInOrder()
    {
        var pod = Object("""{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}}""");

        Assert.Equal(["a:1", "b:1"], JsonPathTemplate.Evaluate(pod, ".spec.containers[*].image").Select(v => v!.GetValue<string>()));
        Assert.Equal(["a", "=", "b", "="], JsonPathTemplate.Evaluate(pod, "{range .spec.containers[*]}{.name}{\"=\"}{end}").Select(v => v!.GetValue<string>()));
        Assert.Equal(["a", "b"], JsonPathTemplate.Evaluate(pod, "{..name}").Select(v => v!.GetValue<string>()));
    }

    [Theory]
    [InlineData("\"text\"", "text")]
    [InlineData("1.5", "1.5")]
    [InlineData("1000000.0", "1e+06")]
    [InlineData("true", "true")]
    [InlineData("null", "null")]
    [InlineData("""{"b":1,"a":"<x>"}""", """{"a":"\u003cx\u003e","b":1}""")]
    public void Text_PrintsAValueAsClientGoDoes(string value, string expected)
    {
        Assert.Equal(expected, JsonPathTemplate.Text(JsonNode.Parse(value)));
    }
}
