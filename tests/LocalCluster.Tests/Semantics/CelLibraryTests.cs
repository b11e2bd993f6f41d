using static ZkSync.LocalCluster.Tests.Semantics.SchemaTesting;

namespace ZkSync.LocalCluster.Tests.Semantics;

/// <summary>
/// The functions Kubernetes 1.32 adds to CEL (cel-go's strings and sets extensions; Kubernetes' list, regex, URL,
/// quantity, IP and CIDR libraries; optionals), registered on the Cel package. Expected values follow the libraries'
/// documentation and tests (apiserver/pkg/cel/library/*_test.go).
/// </summary>
public sealed class CelLibraryTests
{
    [Theory]
    [InlineData("'a,b,c'.split(',') == ['a', 'b', 'c']")]
    [InlineData("'a,b,c'.split(',', 0) == []")]
    [InlineData("'abc'.split('') == ['a', 'b', 'c']")]
    [InlineData("'hello'.indexOf('l') == 2 && 'hello'.lastIndexOf('l') == 3 && 'hello'.indexOf('z') == -1")]
    [InlineData("'hello'.lastIndexOf('l', 2) == 2")]
    [InlineData("'  x  '.trim() == 'x'")]
    [InlineData("'ab'.replace('', '-') == '-a-b-'")]
    [InlineData("'tacocat'.substring(4) == 'cat' && 'tacocat'.substring(0, 4) == 'taco'")]
    [InlineData("'ÀbC'.lowerAscii() == 'Àbc' && 'àbc'.upperAscii() == 'àBC'")]
    [InlineData("['x', 'y'].join(', ') == 'x, y'")]
    [InlineData("'%s is %d, %.2f%%'.format(['load', 7, 0.5]) == 'load is 7, 0.50%'")]
    [InlineData("strings.quote('a\"b') == '\"a\\\\\"b\"'")]
    [InlineData("[1, 2, 3].isSorted() && !['b', 'a'].isSorted()")]
    [InlineData("[1, 2, 3].sum() == 6 && [1.5, 2.5].sum() == 4.0 && [].sum() == 0")]
    [InlineData("[3, 1, 2].min() == 1 && [3, 1, 2].max() == 3")]
    [InlineData("[1, 2, 2, 3].indexOf(2) == 1 && [1, 2, 2, 3].lastIndexOf(2) == 2 && [1].indexOf(9) == -1")]
    [InlineData("'abc 123 def 456'.find('[0-9]+') == '123' && 'abc'.find('[0-9]+') == ''")]
    [InlineData("'abc 123 def 456'.findAll('[0-9]+') == ['123', '456'] && 'a1b2c3'.findAll('[0-9]', 2) == ['1', '2']")]
    [InlineData("isURL('https://example.com:8443/a/b?x=1&x=2') && !isURL('not a url')")]
    [InlineData("url('https://example.com:8443/a/b?x=1&x=2').getScheme() == 'https'")]
    [InlineData("url('https://example.com:8443/a/b').getHost() == 'example.com:8443' && url('https://example.com:8443/a').getHostname() == 'example.com'")]
    [InlineData("url('https://example.com:8443/a').getPort() == '8443' && url('https://example.com/a').getPort() == ''")]
    [InlineData("url('https://[::1]:80/').getHostname() == '::1'")]
    [InlineData("url('https://example.com/a/b').getEscapedPath() == '/a/b'")]
    [InlineData("url('https://example.com/?x=1&x=2&y=3').getQuery() == {'x': ['1', '2'], 'y': ['3']}")]
    [InlineData("isQuantity('500m') && !isQuantity('5 cores')")]
    [InlineData("quantity('1Gi').isGreaterThan(quantity('1G')) && quantity('500m').isLessThan(quantity('1'))")]
    [InlineData("quantity('1.5').compareTo(quantity('1500m')) == 0")]
    [InlineData("quantity('2k').asInteger() == 2000 && quantity('100m').asApproximateFloat() == 0.1")]
    [InlineData("!quantity('100m').isInteger() && quantity('-1').sign() == -1")]
    [InlineData("quantity('1Gi').add(quantity('1Gi')).compareTo(quantity('2Gi')) == 0 && quantity('5').sub(2).asInteger() == 3")]
    [InlineData("isIP('10.0.0.1') && !isIP('10.0.0.256') && !isIP('010.0.0.1') && ip('::1').family() == 6")]
    [InlineData("ip('127.0.0.1').isLoopback() && ip('169.254.1.1').isLinkLocalUnicast() && ip('8.8.8.8').isGlobalUnicast()")]
    [InlineData("ip.isCanonical('2001:db8::1') && !ip.isCanonical('2001:DB8::1')")]
    [InlineData("cidr('10.0.0.0/8').containsIP(ip('10.1.2.3')) && !cidr('10.0.0.0/8').containsIP('11.0.0.1')")]
    [InlineData("cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16') && cidr('10.1.2.3/8').masked() == cidr('10.0.0.0/8')")]
    [InlineData("cidr('fd00::/64').prefixLength() == 64 && string(cidr('10.0.0.0/8').ip()) == '10.0.0.0'")]
    [InlineData("isCIDR('10.0.0.0/8') && !isCIDR('10.0.0.0/33')")]
    [InlineData("optional.of(1).hasValue() && !optional.none().hasValue() && optional.none().orValue(5) == 5")]
    [InlineData("optional.ofNonZeroValue('').orValue('default') == 'default'")]
    [InlineData("sets.contains([1, 2, 3], [3, 1]) && sets.intersects([1], [2, 1]) && sets.equivalent([1, 1, 2], [2, 1])")]
    [InlineData("duration('1h30m') == duration('90m') && string(duration('90m')) == '5400s'")]
    [InlineData("timestamp('2024-01-01T00:00:00Z') + duration('24h') == timestamp('2024-01-02T00:00:00Z')")]
    [InlineData("1 == 1.0 && 1u == 1 && !(1 == 'a') && 'a' != 1 && [1, 'a'] != [1, 'b']")]
    [InlineData("'x' in {'x': 1} && !('y' in {'x': 1}) && 2 in [1, 2]")]
    [InlineData("[1, 2, 3].exists(x, x > 2) && [1, 2, 3].all(x, x > 0) && [1, 2, 3].exists_one(x, x == 2)")]
    [InlineData("[1, 2, 3].map(x, x * 2) == [2, 4, 6] && [1, 2, 3].filter(x, x > 1) == [2, 3]")]
    [InlineData("{'a': 1, 'b': 2}.filter(k, k == 'a') == ['a'] && {'a': 1}.map(k, k + '!') == ['a!']")]
    [InlineData("'abc'.matches('^a') && !'xabc'.matches('^a') && 'a1'.matches('\\\\d')")]
    public void Function_EvaluatesAsInKubernetes(string rule)
    {
        var schema = RootSchema("""{"x":{"type":"string"}}""", rule);

        var errors = schema.Validate(Object("""{"x":"y"}"""), null);

        Assert.True(errors.Count == 0, $"{rule}: {string.Join(" | ", Texts(errors))}");
    }

    [Theory]
    [InlineData("quantity('5 cores').sign() == 1", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")]
    [InlineData("[].min() == 1", "min called on empty list")]
    [InlineData("optional.none().value() == 1", "optional.none() dereference")]
    [InlineData("'abc'.substring(2, 1) == ''", "invalid substring range. start: 2, end: 1")]
    [InlineData("quantity('1.5').asInteger() == 1", "cannot convert value to integer")]
    public void Function_FailsAsInKubernetes(string rule, string expected)
    {
        var schema = RootSchema("""{"x":{"type":"string"}}""", rule);

        var error = Assert.Single(schema.Validate(Object("""{"x":"y"}"""), null));

        Assert.Equal($"Invalid value: \"object\": {expected} evaluating rule: {rule}", error.Message);
    }
}
