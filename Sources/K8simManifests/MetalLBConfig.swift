import K8simCluster
import Yams

/// Older MetalLB (the seed's way) reads its address pools from the `config` key of ConfigMap
/// metallb-system/config: YAML of its own inside the ConfigMap, read here with the YAML library
/// (metallb/internal/config/config.go, `addressPool`: name, protocol, addresses, auto-assign).
public enum MetalLBConfig {
    /// Whether a ConfigMap is the one MetalLB reads.
    public static func isConfig(name: String, namespace: String) -> Bool { namespace == "metallb-system" && name == "config" }

    /// The pools the text names; a bad range or protocol is an error naming it.
    public static func pools(from text: String) throws(ClusterError) -> [AddressPool] {
        let noPools = ClusterError.refused("metallb config has no address-pools with addresses")
        let root: YNode?
        do { root = try Yams.compose(yaml: text) } catch let e as YamlError {
            throw .refused("metallb config: \(ManifestReader.describe(e))")
        } catch {
            throw .refused("metallb config: \(error)")
        }
        guard let list = root?.mapping?["address-pools"]?.sequence else { throw noPools }
        var pools: [AddressPool] = []
        for item in list {
            guard let pool = item.mapping else {
                throw .refused("metallb config: each of address-pools is a mapping with name, protocol and addresses")
            }
            let name = pool["name"]?.string ?? "default"
            if let proto = pool["protocol"]?.string, proto != "layer2" {
                throw .refused("metallb pool \"\(name)\": k8sim models the layer2 protocol only, not \"\(proto)\"")
            }
            guard let addresses = pool["addresses"]?.sequence else {
                throw .refused("metallb pool \"\(name)\": addresses is a list of ranges such as [10.64.140.43-10.64.140.49]")
            }
            for address in addresses {
                guard let range = address.string else { throw .refused("metallb pool \"\(name)\": each address is a range such as 10.64.140.43-10.64.140.49") }
                pools.append(try AddressPool.parse(range: range, name: name))
            }
        }
        if pools.isEmpty { throw noPools }
        return pools
    }
}
