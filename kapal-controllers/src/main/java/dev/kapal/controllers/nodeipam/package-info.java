/**
 * The node IPAM controller ({@code nodeipam}, upstream's {@code node-ipam-controller} with the range
 * allocator): gives every node a pod CIDR cut from the cluster CIDR ({@link
 * dev.kapal.controllers.nodeipam.CidrSet}), recovers what nodes hold on start, and releases a
 * node's CIDR when the node goes.
 */
package dev.kapal.controllers.nodeipam;
